import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Prices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The chain's price list: base prices, store and region prices, member prices by tier, promotions.",
        discussion: """
            The rules and how a price is chosen: docs/pricing.md.

            Examples:
              omnisync-hub prices import prices.csv
              omnisync-hub prices show SHOE-42 --store PARIS-01 --tier vip
            """,
        subcommands: [ImportFile.self, Show.self]
    )

    struct ImportFile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Replace the price list with a CSV or JSON Lines file, all or nothing.",
            discussion: """
                The file is the whole list: a rule left out of it is removed. It is checked whole first: a bad line \
                rejects the file with its line number and nothing changes. Each import that changes something makes \
                a new price-list version.

                Examples:
                  omnisync-hub prices import prices.csv
                  omnisync-hub prices import prices.jsonl --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: ArgumentHelp("The price file (.csv, or .jsonl with one row a line).", valueName: "FILE")) var file: String
        @Flag(help: "Print { version, entries, added, changed, removed, unchanged } as JSON.") var json = false

        func run() async throws {
            let report = try await reportingFailures(program: "omnisync-hub") { () async throws -> PriceImportReport in
                let format = try ProductFile.Format(path: file)
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw HubError(.malformedRequest, "cannot read \(file)")
                }
                let list: PriceList
                do {
                    list = try PriceFile.read(data, format: format)
                } catch {
                    throw HubError(.malformedRequest, "\(file): \(error); nothing was imported")
                }
                let store = try await hub.openStore()
                return try await Progress("importing \(list.entries.count) price rows from \(file)…").whileRunning {
                    try await store.importPriceList(list, at: Date())
                }
            }
            if json {
                try Output.json(report)
            } else {
                print("imported \(file): price list version \(report.version), \(report.entries) rows: \(report.added) added, \(report.changed) changed, \(report.removed) removed, \(report.unchanged) unchanged")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The price of a SKU now (or at a time), in a store, for a tier, with the rule that produced it and every rule about it.",
            discussion: """
                Without --store: the chain's price (no store or region price, chain-wide promotions only).

                Examples:
                  omnisync-hub prices show SHOE-42
                  omnisync-hub prices show SHOE-42 --store PARIS-01 --tier vip --at 2026-03-20T12:00:00Z --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The SKU.") var sku: String
        @Option(help: "The store whose price to show.") var store: String?
        @Option(help: "The customer's tier (member prices).") var tier: String?
        @Option(help: ArgumentHelp("The time to price at (RFC 3339; default: now).", valueName: "TIME")) var at: String?
        @Option(help: "The currency (default: the SKU's, when it has one).") var currency: String?
        @Flag(help: "Print { sku, store, tier, at, price, listPrice, rule, version, updatedAt, rules } as JSON.") var json = false

        func validate() throws {
            if let store, StoreID(rawValue: store) == nil { throw ValidationError(InvalidIdentifier(noun: StoreKind.noun, value: store).message) }
            if let at, RFC3339.parse(at) == nil { throw ValidationError("--at must be a time like 2026-03-20T12:00:00Z") }
            if let currency, Currency(rawValue: currency) == nil { throw ValidationError("--currency: \(Currency.invalidValueMessage)") }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let stored = try await hub.openStore().priceList()
                let time = at.flatMap(RFC3339.parse) ?? Date()
                let storeID = store.flatMap(StoreID.init(rawValue:))
                let about = stored.list.entries.filter { entry in
                    switch entry {
                    case .rule(.base(let ruleSKU, _)), .rule(.override(let ruleSKU, _, _)), .rule(.member(let ruleSKU, _, _)): ruleSKU == sku
                    case .rule(.promotion(let promotion)):
                        promotion.target == .sku(sku) || stored.list.categories[sku].map { promotion.target == .category($0) } == true
                    case .category(let ruleSKU, _): ruleSKU == sku
                    case .region(let regionStore, _): regionStore == storeID
                    }
                }
                let quote: PriceQuote
                do {
                    quote = try stored.list.quote(sku: sku, store: storeID, tier: tier, at: time, currency: currency.flatMap(Currency.init(rawValue:)))
                } catch {
                    throw HubError(.notFound, "\(error) (price list version \(stored.version))")
                }
                let answer = PriceAnswer(
                    sku: sku, store: storeID, tier: tier, at: time, quote: quote, version: stored.version, updatedAt: stored.importedAt, rules: about
                )
                if json {
                    try Output.json(answer)
                    return
                }
                print(answer.summary)
                print("price list version \(stored.version)\(stored.importedAt.map { ", imported \(RFC3339.format($0))" } ?? "")")
                Output.table(headers: ["RULE", "WHAT"], rows: about.map { [$0.key, Self.describe($0)] })
            }
        }

        static func describe(_ entry: PriceListEntry) -> String {
            switch entry {
            case .rule(.base(_, let price)), .rule(.override(_, _, let price)), .rule(.member(_, _, let price)): price.description
            case .rule(.promotion(let promotion)):
                "\(promotion.discountDescription) from \(RFC3339.format(promotion.starts)) to \(RFC3339.format(promotion.ends))"
                    + (promotion.stores.map { " in " + $0.map(\.rawValue).sorted().joined(separator: " ") } ?? " everywhere")
            case .region(_, let region): "region \(region)"
            case .category(_, let category): "category \(category)"
            }
        }
    }
}
