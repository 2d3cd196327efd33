import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Overrides: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sale lines charged at another price than the till's price list gave.",
        discussion: """
            The cashier's word stands: the sale is recorded as charged. The till keeps the difference with the sale \
            (the price its list gave, the rule, the list version) and head office sees it here, per store and cashier.

            Examples:
              omnisync-hub overrides list
              omnisync-hub overrides list --store PARIS-01 --cashier C-042 --json
            """,
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Totals per store and cashier, then the most recent overrides.",
            discussion: """
                DIFFERENCE is (charged - list price) x quantity: negative when the customer paid less than the list said. \
                Totals count every override that matches; the rows listed are the --limit most recent.

                Examples:
                  omnisync-hub overrides list
                  omnisync-hub overrides list --store PARIS-01 --since 2026-03-01T00:00:00Z
                  omnisync-hub overrides list --cashier C-042 --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "Only this store's overrides.") var store: String?
        @Option(help: "Only this cashier's overrides (the id the POS software sends with the sale).") var cashier: String?
        @Option(help: ArgumentHelp("Only overrides recorded at or after this time (RFC 3339).", valueName: "TIME")) var since: String?
        @Option(help: "List at most this many rows (1-10000).") var limit = 100
        @Flag(help: "Print { byStoreAndCashier: [{ store, cashier, lines, sales, difference }], overrides: [...] } as JSON.") var json = false

        func validate() throws {
            if let store, StoreID(rawValue: store) == nil { throw ValidationError(InvalidIdentifier(noun: StoreKind.noun, value: store).message) }
            if let since, RFC3339.parse(since) == nil { throw ValidationError("--since must be a time like 2026-03-20T12:00:00Z") }
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let query = PriceOverrideQuery(
                    store: store.flatMap(StoreID.init(rawValue:)), cashier: cashier, since: since.flatMap(RFC3339.parse), limit: limit
                )
                let report = try await hub.openStore().priceOverrides(query)
                if json {
                    try Output.json(report)
                    return
                }
                guard !report.overrides.isEmpty else {
                    print("no price overrides")
                    return
                }
                Output.table(
                    headers: ["STORE", "CASHIER", "SALES", "LINES", "DIFFERENCE"],
                    rows: report.byStoreAndCashier.map { [$0.store.rawValue, $0.cashier ?? "-", String($0.sales), String($0.lines), $0.difference.description] }
                )
                print("")
                Output.table(
                    headers: ["AT", "STORE", "CASHIER", "TERMINAL", "SEQ", "SKU", "QTY", "LIST", "CHARGED", "DIFFERENCE", "RULE"],
                    rows: report.overrides.map { row in
                        [
                            RFC3339.format(row.at), row.store.rawValue, row.cashier ?? "-", row.terminal.rawValue, String(row.seq), row.sku,
                            String(row.quantity), row.quoted.description, row.charged.description, row.difference.description,
                            "\(row.rule) (v\(row.priceListVersion))",
                        ]
                    }
                )
            }
        }
    }
}
