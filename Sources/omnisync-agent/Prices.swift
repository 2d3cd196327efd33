import ArgumentParser
import Foundation
import OmnisyncAgentKit
import OmnisyncCLISupport
import OmnisyncCore

struct Prices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prices at this terminal's store, offline, from the price list the last sync brought.",
        discussion: """
            Examples:
              omnisync-agent prices show SHOE-42
              omnisync-agent prices show SHOE-42 --card 4000123412341234 --at 2026-03-20T12:00:00Z --json
            """,
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The price of a SKU now (or at a time), for a customer's tier, with the rule that produced it.",
            discussion: """
                Never asks the hub: the answer comes from this terminal's copy of the price list (its version is in \
                `status`). How a price is chosen: docs/pricing.md.

                Examples:
                  omnisync-agent prices show SHOE-42
                  omnisync-agent prices show SHOE-42 --card 4000123412341234 --json
                  omnisync-agent prices show SHOE-42 --at 2026-03-20T12:00:00Z
                """
        )

        @OptionGroup var agent: AgentOptions
        @Argument(help: "The SKU.") var sku: String
        @Option(help: "The customer's loyalty card (their tier's member price).") var card: String?
        @Option(help: ArgumentHelp("The time to price at (RFC 3339; default: now).", valueName: "TIME")) var at: String?
        @Option(help: "The currency (default: the SKU's, when it has one).") var currency: String?
        @Flag(help: "Print { sku, store, tier, at, price, listPrice, rule, version, updatedAt } as JSON.") var json = false

        func validate() throws {
            if let card, CardNumber(rawValue: card) == nil { throw ValidationError("invalid card number: use 4-32 letters or digits") }
            if let at, RFC3339.parse(at) == nil { throw ValidationError("--at must be a time like 2026-03-20T12:00:00Z") }
            if let currency, Currency(rawValue: currency) == nil { throw ValidationError("--currency: \(Currency.invalidValueMessage)") }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-agent") {
                let answer = try await agent.open().price(
                    of: sku, card: card.flatMap(CardNumber.init(rawValue:)), at: at.flatMap(RFC3339.parse) ?? Date(),
                    currency: currency.flatMap(Currency.init(rawValue:))
                )
                if json {
                    try Output.json(answer)
                } else {
                    print(answer.summary)
                    print("price list version \(answer.version)\(answer.updatedAt.map { ", updated \(RFC3339.format($0))" } ?? "")")
                }
            }
        }
    }
}
