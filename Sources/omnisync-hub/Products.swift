import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Products: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The product catalogue: what each SKU is and its category (interests and top categories read it).",
        discussion: """
            Examples:
              omnisync-hub products import catalogue.csv
              omnisync-hub products list --category outerwear
            """,
        subcommands: [ImportFile.self, List.self]
    )

    struct ImportFile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Add and update products from a CSV or JSON Lines file, all or nothing.",
            discussion: """
                CSV: a header line naming the columns sku, category and optionally name, in any order, then one \
                product a line (fields with commas in double quotes). JSON Lines: one {"sku", "category", "name"?} \
                a line. The whole file is checked first: a bad line rejects the file, naming the line, and the \
                catalogue stays as it was. Products the file does not list stay. Customers who bought a SKU that was \
                added or moved to another category get their interests worked out again at the next recompute.

                Examples:
                  omnisync-hub products import catalogue.csv
                  omnisync-hub products import catalogue.jsonl --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The file (.csv, or .jsonl / .ndjson).") var file: String
        @Flag(help: "Print the counts as JSON.") var json = false

        func run() async throws {
            let report = try await reportingFailures(program: "omnisync-hub") { () async throws -> CatalogImportReport in
                let format = try ProductFile.Format(path: file)
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read \(file): \(String(cString: strerror(errno)))")
                }
                let products: [Product]
                do {
                    products = try ProductFile.read(data, format: format)
                } catch {
                    throw HubError(.malformedRequest, "\(file): \(error); nothing was imported")
                }
                let store = try await hub.openStore()
                return try await Progress("importing \(products.count) products from \(file)…").whileRunning {
                    try await store.importProducts(products)
                }
            }
            if json {
                try Output.json(report)
            } else {
                print("imported \(file): \(report.products) products, \(report.added) added, \(report.changed) changed, \(report.unchanged) unchanged")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the catalogue, or one category of it.",
            discussion: """
                Examples:
                  omnisync-hub products list
                  omnisync-hub products list --category outerwear --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "Only this category's products.") var category: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let products = try await hub.openStore().products(category: category)
                if json {
                    try Output.json(products)
                } else if products.isEmpty {
                    print(category.map { "no products in category \($0)" } ?? "the catalogue is empty; add products with `omnisync-hub products import FILE`")
                } else {
                    Output.table(headers: ["SKU", "CATEGORY", "NAME"], rows: products.map { [$0.sku, $0.category, $0.name] })
                }
            }
        }
    }
}
