import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Customers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look up customers in the merged omnichannel view.",
        discussion: """
            Examples:
              omnisync-hub customers show --card 4000123412341234
              omnisync-hub customers list --segment champions --consent email
            """,
        subcommands: [Show.self, List.self, Merge.self, Erase.self, Duplicates.self]
    )

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge duplicate customer B into A: one profile, answering for both ids and cards on every replica.",
            discussion: """
                Points, tags, cards and activity are joined; for each field the latest write wins. Terminals pick it up on their next pull.

                Examples:
                  omnisync-hub customers merge 01a209a5-4ddf-7711-9822-5812eb9ab3f8 01a20a11-0c3e-7c41-8f0e-2b1d9f4c7a10
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The customer that remains (A).") var survivor: String
        @Argument(help: "The duplicate merged into it (B).") var duplicate: String
        @Flag(help: "Print the merged customer as JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let record = try await hub.openStore().mergeCustomers(
                    survivor: try CustomerID(validating: survivor), absorbed: try CustomerID(validating: duplicate), at: Date()
                )
                if json {
                    try Output.json(HubCustomerView(record, reveal: false))
                } else {
                    print("\(duplicate) merged into \(record.state.id); it now answers for \(([record.state.id] + record.state.mergedFrom.sorted()).map(\.rawValue).joined(separator: ", "))")
                }
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a customer on request: their profile is emptied for good on every replica.",
            discussion: """
                The hub also removes their personal data from the entries it keeps and from the conflict log; sales stay, anonymous.

                Examples:
                  omnisync-hub customers erase 01a209a5-4ddf-7711-9822-5812eb9ab3f8
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The customer id.") var id: String

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let store = try await hub.openStore()
                let record = try await store.eraseCustomer(try CustomerID(validating: id), at: Date())
                print("customer \(record.state.id) erased; terminals erase it on their next pull")
                if try await store.status().erasurePurgePending {
                    Output.error("warning: readers kept the database's write-ahead log from being emptied: old copies of the erased data remain in it until the hub's next write retries (see `omnisync-hub status`)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one customer: profile, points, consent and activity across channels.",
            discussion: """
                Personal data is masked unless --reveal is given; erased customers show none.

                Examples:
                  omnisync-hub customers show --card 4000123412341234
                  omnisync-hub customers show --email ada@example.com --json
                  omnisync-hub customers show 01a209a5-4ddf-7711-9822-5812eb9ab3f8 --reveal
                """
        )

        @OptionGroup var hub: HubOptions
        @OptionGroup var options: HubCustomerLookupOptions

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let store = try await hub.openStore()
                let record: CustomerRecord
                let countryCode = options.phone == nil ? nil : try await store.settings().phoneCountryCode
                switch try options.lookup(phoneCountryCode: countryCode) {
                case .card(let number):
                    guard let found = try await store.customer(card: number) else {
                        throw HubError(.notFound, "no customer with card \(number.masked) at the hub")
                    }
                    record = found
                case .id(let customer):
                    guard let found = try await store.customer(id: customer) else {
                        throw HubError(.notFound, "no customer \(customer) at the hub")
                    }
                    record = found
                case .contact(let kind, let value):
                    let found = try await store.customers(holding: kind, value)
                    guard let first = found.first else { throw HubError(.notFound, "no customer with this \(kind.rawValue) at the hub") }
                    if found.count > 1 {
                        Output.error("omnisync-hub: \(found.count) customers share this \(kind.rawValue) (\(found.map(\.state.id.rawValue).joined(separator: ", "))); showing the oldest. See `customers duplicates`.")
                    }
                    record = first
                }
                let view = try await HubCustomerView.read(record, reveal: options.reveal, from: store)
                if options.json {
                    try Output.json(view)
                } else {
                    var lines = view.profile.textLines
                    if let activity = view.activity {
                        lines.append(("orders", "\(activity.orders) (returns \(activity.returns), visits \(activity.visits))"))
                        lines.append(("first purchase", activity.firstPurchase.map(RFC3339.format) ?? "-"))
                        lines.append(("last purchase", activity.lastPurchase.map(RFC3339.format) ?? "-"))
                        lines.append(("channels", activity.channels.sorted().joined(separator: ", ").ifEmpty("-")))
                        let spend = activity.spend.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).description }
                        lines.append(("spend", spend.joined(separator: ", ").ifEmpty("-")))
                        let basket = activity.averageBasket.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key).description }
                        lines.append(("average basket", basket.joined(separator: ", ").ifEmpty("-")))
                        lines.append(("preferred store", activity.preferredStore?.rawValue ?? "-"))
                        lines.append(("preferred channel", activity.preferredChannel ?? "-"))
                        lines.append(("top products", view.topProducts.map { "\($0.sku) ×\($0.quantity)" }.joined(separator: ", ").ifEmpty("-")))
                        lines.append(("top categories", view.topCategories.map { "\($0.category) ×\($0.quantity)" }.joined(separator: ", ").ifEmpty("-")))
                    }
                    Output.fields(lines)
                }
            }
        }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
