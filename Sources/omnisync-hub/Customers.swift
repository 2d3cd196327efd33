import ArgumentParser
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Customers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look up customers in the merged omnichannel view.",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one customer: profile, points, consent and activity across channels.",
            discussion: "Personal data is masked unless --reveal is given; erased customers show none."
        )

        @OptionGroup var hub: HubOptions
        @OptionGroup var options: CustomerLookupOptions

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let store = try hub.openStore()
                let record: CustomerRecord
                switch try options.lookup() {
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
                }
                let view = HubCustomerView(record, reveal: options.reveal)
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
