public import Foundation
public import OmnisyncCore

/// Reads the stores' stock lists (`omnisync-hub stock import FILE.csv`): CSV
/// with a header row naming `store` and `sku` (any order, RFC 4180 quoting),
/// one SKU a store carries a line.
///
/// Each store the file names gets exactly the file's SKUs as its list (a
/// SKU it no longer carries is dropped by leaving it out); stores the file
/// does not name keep theirs. The whole file is read first: a bad line
/// rejects it, naming the line, and every list stays as it was.
public enum StockFile {
    /// The SKUs of each store the file names.
    public static func read(_ data: Data) throws(ImportFileError) -> [StoreID: Set<String>] {
        guard let text = String(data: data, encoding: .utf8) else { throw ImportFileError(line: nil, "the file is not UTF-8 text") }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.last == "\r" ? line.dropLast() : line
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw ImportFileError(line: nil, "the file is empty; the first line names the columns: store,sku") }
        let columns = try ProductFile.fields(header, line: 1).map { $0.trimmingWhitespace().lowercased() }
        guard Set(columns) == ["store", "sku"], columns.count == 2, let storeColumn = columns.firstIndex(of: "store"),
            let skuColumn = columns.firstIndex(of: "sku")
        else {
            throw ImportFileError(line: 1, "the first line must name the two columns store and sku")
        }
        var lists: [StoreID: Set<String>] = [:]
        for (index, line) in lines.enumerated().dropFirst() where !line.allSatisfy(\.isWhitespace) {
            let values = try ProductFile.fields(line, line: index + 1).map { $0.trimmingWhitespace() }
            guard values.count == 2 else { throw ImportFileError(line: index + 1, "\(values.count) fields where the header names 2") }
            guard let store = StoreID(rawValue: values[storeColumn]) else {
                throw ImportFileError(line: index + 1, "\"\(values[storeColumn].prefix(40))\" is not a store id")
            }
            let sku = values[skuColumn]
            guard Product.isValidSKU(sku) else { throw ImportFileError(line: index + 1, "sku \"\(sku.prefix(70))\" must be 1-64 characters without spaces") }
            guard lists[store, default: []].insert(sku).inserted else {
                throw ImportFileError(line: index + 1, "\(sku) is listed twice for store \(store)")
            }
        }
        guard !lists.isEmpty else { throw ImportFileError(line: nil, "the file lists no SKU; a stock list is replaced by the file's, never emptied") }
        return lists
    }
}
