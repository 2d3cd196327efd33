import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Lookups: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The card lookup audit: which terminal asked the hub about which card (last four digits), newest first.",
        discussion: """
            A till asks the hub about a card it does not know (a customer of another store). Each terminal may make \
            `policy set --card-lookups-per-minute` of them (default 60); more are refused and listed here as `refused`. \
            Many lookups of unknown cards from one terminal mean it is enumerating customers: revoke it.

            Examples:
              omnisync-hub lookups
              omnisync-hub lookups --terminal T-0001 --json
            """
    )

    @OptionGroup var hub: HubOptions
    @Option(help: "Only this terminal's lookups.") var terminal: String?
    @Option(help: "At most this many.") var limit = 100
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-hub") {
            let records = try await hub.openStore().cardLookups(terminal: try terminal.map { try TerminalID(validating: $0) }, limit: limit)
            if json {
                try Output.json(records)
            } else if records.isEmpty {
                print("no card lookups")
            } else {
                Output.table(
                    headers: ["AT", "TERMINAL", "CARD", "OUTCOME", "CUSTOMER"],
                    rows: records.map { [RFC3339.format($0.at), $0.terminal.rawValue, $0.card, $0.outcome.rawValue, $0.customer?.rawValue ?? "-"] }
                )
            }
        }
    }
}
