import ArgumentParser
import OmnisyncAgentKit
import OmnisyncCLISupport
import OmnisyncCore

struct Customers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look up customers in this terminal's local view (works offline).",
        discussion: """
            Examples:
              omnisync-agent customers show --card 4000123412341234
            """,
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one customer as this terminal knows them (asking the hub about a card it does not know).",
            discussion: """
                Personal data is masked unless --reveal is given; erased customers show none.

                Examples:
                  omnisync-agent customers show --card 4000123412341234
                  omnisync-agent customers show --card 4000123412341234 --offline --json
                  omnisync-agent customers show 01a209a5-4ddf-7711-9822-5812eb9ab3f8 --reveal
                """
        )

        @OptionGroup var agent: AgentOptions
        @OptionGroup var options: CustomerLookupOptions
        @Flag(help: "Do not ask the hub about a card this terminal does not know.") var offline = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-agent") {
                let opened = try await agent.open()
                let state: ProfileState
                switch try options.lookup() {
                case .card(let number):
                    state = try await opened.lookUp(card: number, reach: offline ? .localOnly : .askingHub)
                case .id(let customer):
                    state = try opened.lookUp(id: customer)
                }
                let view = CustomerView(state, reveal: options.reveal)
                if options.json { try Output.json(view) } else { Output.fields(view.textLines) }
            }
        }
    }
}
