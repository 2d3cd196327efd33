import ArgumentParser
import OmnisyncAgentKit
import OmnisyncCLISupport
import OmnisyncCore

struct Customers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look up customers in this terminal's local view (works offline).",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one customer as this terminal knows them.",
            discussion: "Personal data is masked unless --reveal is given; erased customers show none."
        )

        @OptionGroup var agent: AgentOptions
        @Argument(help: "The customer id.") var id: String?
        @Option(help: "Find the customer by loyalty card number instead.") var card: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Show personal data unmasked.") var reveal = false

        func validate() throws {
            guard (id == nil) != (card == nil) else { throw ValidationError("give a customer ID or --card N (one of them)") }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-agent") {
                let opened = try agent.open()
                let state: ProfileState
                if let card {
                    guard let number = CardNumber(rawValue: card) else { throw ValidationError("invalid card number '\(card)'") }
                    guard let found = try opened.customer(card: number) else {
                        throw AgentError(.invalidInput, "no customer with card \(number.masked) is known at this terminal")
                    }
                    state = found
                } else {
                    let customer = try CustomerID(validating: id!)
                    guard let found = try opened.customer(id: customer) else {
                        throw AgentError(.invalidInput, "customer \(customer) is not known at this terminal")
                    }
                    state = found
                }
                let view = CustomerView(state, reveal: reveal)
                if json { try Output.json(view) } else { Output.fields(view.textLines) }
            }
        }
    }
}
