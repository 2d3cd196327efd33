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
        @Argument(help: "The customer id.") var id: String?
        @Option(help: "Find the customer by loyalty card number instead.") var card: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Show personal data unmasked.") var reveal = false

        func validate() throws {
            guard (id == nil) != (card == nil) else { throw ValidationError("give a customer ID or --card N (one of them)") }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let store = try hub.openStore()
                let record: CustomerRecord?
                if let card {
                    guard let number = CardNumber(rawValue: card) else { throw ValidationError("invalid card number '\(card)'") }
                    record = try await store.customer(card: number)
                    guard record != nil else { throw HubError(.notFound, "no customer with card \(number.masked) at the hub") }
                } else {
                    let customer = try CustomerID(validating: id!)
                    record = try await store.customer(id: customer)
                    guard record != nil else { throw HubError(.notFound, "no customer \(customer) at the hub") }
                }
                let view = HubCustomerView(record!, reveal: reveal)
                if json {
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
