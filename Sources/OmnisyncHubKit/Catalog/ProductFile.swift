public import Foundation
import OmnisyncCore

/// Reads a catalogue file (`omnisync-hub products import FILE`): CSV with a
/// header row naming `sku`, `category` and optionally `name` (any order,
/// RFC 4180 quoting), or JSON Lines with one product object a line.
///
/// The whole file is read before anything is stored, so a bad line rejects
/// the file, naming the line, and the catalogue stays as it was: a catalogue
/// is imported whole or not at all.
public enum ProductFile {
    public enum Format: String, Sendable {
        case csv, jsonl

        /// The format a file's name says (`.csv`, `.jsonl` or `.ndjson`).
        public init(path: String) throws(ImportFileError) {
            switch (path as NSString).pathExtension.lowercased() {
            case "csv": self = .csv
            case "jsonl", "ndjson": self = .jsonl
            default: throw ImportFileError(line: nil, "\(path): name the file .csv or .jsonl so its format is known")
            }
        }
    }

    /// The products a file holds, in file order; a SKU listed twice is an error.
    public static func read(_ data: Data, format: Format) throws(ImportFileError) -> [Product] {
        guard let text = String(data: data, encoding: .utf8) else { throw ImportFileError(line: nil, "the file is not UTF-8 text") }
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.last == "\r" ? line.dropLast() : line
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        var products: [Product] = []
        var seen: [String: Int] = [:]
        func add(_ product: Product, line: Int) throws(ImportFileError) {
            if let first = seen[product.sku] {
                throw ImportFileError(line: line, "\(product.sku) is already listed on line \(first)")
            }
            seen[product.sku] = line
            products.append(product)
        }
        switch format {
        case .jsonl:
            for (index, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
                let product: Product
                do {
                    product = try WireCoding.decode(Product.self, from: Data(line.utf8))
                } catch {
                    throw ImportFileError(line: index + 1, error.description)
                }
                try add(product, line: index + 1)
            }
        case .csv:
            guard let header = lines.first else { throw ImportFileError(line: nil, "the file is empty; the first line names the columns: sku,name,category") }
            let columns = try fields(header, line: 1).map { $0.trimmingWhitespace().lowercased() }
            for column in columns where !["sku", "name", "category"].contains(column) {
                throw ImportFileError(line: 1, "unknown column \"\(column)\"; the columns are sku, name (optional) and category")
            }
            guard let skuColumn = columns.firstIndex(of: "sku"), let categoryColumn = columns.firstIndex(of: "category") else {
                throw ImportFileError(line: 1, "the first line must name the columns sku and category (and optionally name)")
            }
            let nameColumn = columns.firstIndex(of: "name")
            for (index, line) in lines.enumerated().dropFirst() where !line.allSatisfy(\.isWhitespace) {
                let values = try fields(line, line: index + 1)
                guard values.count == columns.count else {
                    throw ImportFileError(line: index + 1, "\(values.count) fields where the header names \(columns.count)")
                }
                let product: Product
                do throws(HubError) {
                    product = try Product(sku: values[skuColumn], name: nameColumn.map { values[$0] } ?? "", category: values[categoryColumn])
                } catch {
                    throw ImportFileError(line: index + 1, error.message)
                }
                try add(product, line: index + 1)
            }
        }
        return products
    }

    /// The fields of one CSV line: separated by commas, a field in double
    /// quotes may hold commas and doubled quotes (`"Shoes, ""trail"""`).
    static func fields(_ line: Substring, line number: Int) throws(ImportFileError) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var iterator = line.makeIterator()
        var atFieldStart = true
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    quoted = false
                    afterQuote = true
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case ",":
                fields.append(field)
                (field, afterQuote, atFieldStart) = ("", false, true)
                continue
            case "\"" where atFieldStart:
                quoted = true
            case "\"" where afterQuote:
                // A doubled quote inside a quoted field.
                field.append("\"")
                (quoted, afterQuote) = (true, false)
            default:
                guard !afterQuote else {
                    throw ImportFileError(line: number, "text after a closing quote; a quote inside a quoted field is written twice")
                }
                guard character != "\"" else {
                    throw ImportFileError(line: number, "a quote inside a field that does not start with one; quote the whole field")
                }
                field.append(character)
            }
            atFieldStart = false
        }
        guard !quoted else { throw ImportFileError(line: number, "a quoted field is not closed on its line") }
        fields.append(field)
        return fields
    }
}
