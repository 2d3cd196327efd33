import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What each store carries: recommendations keep to their customer's store's list.",
        discussion: """
            Examples:
              omnisync-hub stock import stock.csv
              omnisync-hub stock list --json
            """,
        subcommands: [Import.self, List.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the stock lists of the stores a CSV file names (columns store,sku).",
            discussion: """
                Each store the file names gets exactly the file's SKUs; stores it does not name keep their lists. The \
                whole file is checked first: a bad line rejects it, naming the line, and nothing changes. A customer's \
                recommendations keep to their preferred store's list from the next insight pass (`insight refit`, or \
                serve's hourly pass for customers who buy).

                Examples:
                  omnisync-hub stock import stock.csv
                  omnisync-hub stock import stock.csv --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The CSV file: a header naming store and sku, then one SKU a store carries a line.") var file: String
        @Flag(help: "Print { stores, skus } as JSON.") var json = false

        struct Report: Encodable {
            var stores: Int
            var skus: Int
        }

        func run() async throws {
            let report = try await reportingFailures(program: "omnisync-hub") { () async throws -> Report in
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read \(file): \(String(cString: strerror(errno)))")
                }
                let lists: [StoreID: Set<String>]
                do {
                    lists = try StockFile.read(data)
                } catch {
                    throw HubError(.malformedRequest, "\(file): \(error); nothing was imported")
                }
                let store = try await hub.openStore()
                try await Progress("replacing the stock lists of \(lists.count) stores…").whileRunning { try await store.replaceStockLists(lists) }
                return Report(stores: lists.count, skus: lists.values.reduce(0) { $0 + $1.count })
            }
            if json {
                try Output.json(report)
            } else {
                print("imported \(file): stock lists of \(report.stores) stores replaced (\(report.skus) SKUs); recommendations keep to them from the next insight pass")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The stores with a stock list and how many SKUs each carries.",
            discussion: """
                Examples:
                  omnisync-hub stock list
                  omnisync-hub stock list --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print { STORE: [SKU...] } as JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let lists = try await hub.openStore().stockLists()
                if json {
                    try Output.json(Dictionary(uniqueKeysWithValues: lists.map { ($0.key.rawValue, $0.value.sorted()) }))
                } else if lists.isEmpty {
                    print("no stock lists: recommendations may name any SKU")
                } else {
                    Output.table(headers: ["STORE", "SKUS"], rows: lists.sorted { $0.key.rawValue < $1.key.rawValue }.map { [$0.key.rawValue, String($0.value.count)] })
                }
            }
        }
    }
}
