import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

extension Customers {
    struct Duplicates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List customers who share a normalised email address or phone number: candidates for a merge.",
            discussion: """
                Emails are compared trimmed and lower-cased, phone numbers in E.164 (a national number in the \
                chain's country code, `policy set --phone-country-code`). Only an operator merges: \
                `omnisync-hub customers merge A B`. Values are masked unless --reveal is given.

                Examples:
                  omnisync-hub customers duplicates
                  omnisync-hub customers duplicates --json --reveal
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Show the shared email or phone in full.") var reveal = false
        @Flag(help: "Print JSON.") var json = false

        struct Listing: Encodable {
            var kind: DuplicateContact.Kind
            var value: String
            var customers: [String]
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let duplicates = try await hub.openStore().duplicateContacts().map { duplicate in
                    Listing(
                        kind: duplicate.kind,
                        value: reveal ? duplicate.value : duplicate.kind == .email ? PersonalDataMask.email(duplicate.value) : PersonalDataMask.phone(duplicate.value),
                        customers: duplicate.customers.map(\.rawValue)
                    )
                }
                if json {
                    try Output.json(duplicates)
                } else if duplicates.isEmpty {
                    print("no two customers share an email address or phone number")
                } else {
                    Output.table(
                        headers: ["SHARED", "VALUE", "CUSTOMERS"],
                        rows: duplicates.map { [$0.kind.rawValue, $0.value, $0.customers.joined(separator: " ")] }
                    )
                }
            }
        }
    }
}
