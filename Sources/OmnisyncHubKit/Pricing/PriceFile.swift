public import Foundation
public import OmnisyncCore

/// Reads a price file (`omnisync-hub prices import FILE`): CSV with a header
/// row (any column order, RFC 4180 quoting), or JSON Lines with one object a
/// line, using the same names. Each row has a `type`:
///
/// | type | columns |
/// |---|---|
/// | `base` | `sku`, `currency`, `price`, optionally `category` (for category promotions) |
/// | `override` | `sku`, `currency`, `price`, and `store` or `region` |
/// | `member` | `sku`, `tier`, `currency`, `price` |
/// | `promotion` | `promotion` (its id), `sku` or `category`, `percent` or `amountOff` (with `currency`), `starts`, `ends`, optionally `stores` (separated by spaces) |
/// | `region` | `store`, `region`: the store belongs to the region |
///
/// Prices and amounts are decimal major units (`89.99`), never more decimals
/// than the currency has; percentages have at most two decimals (`12.5`);
/// times are RFC 3339 (`2026-12-20T09:00:00Z`).
///
/// The whole file is read and checked before anything is stored, so a bad
/// line rejects the file, naming the line: a price list is imported whole or
/// not at all.
public enum PriceFile {
    static let columns: Set<String> = [
        "type", "sku", "category", "currency", "price", "store", "region", "tier", "promotion", "percent", "amountoff", "starts", "ends", "stores",
    ]

    /// The price list a file holds.
    public static func read(_ data: Data, format: ProductFile.Format) throws(ImportFileError) -> PriceList {
        guard let text = String(data: data, encoding: .utf8) else { throw ImportFileError(line: nil, "the file is not UTF-8 text") }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.last == "\r" ? line.dropLast() : line
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        var builder = Builder()
        switch format {
        case .jsonl:
            for (index, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
                try builder.add(try record(json: line, line: index + 1), line: index + 1)
            }
        case .csv:
            guard let header = lines.first else { throw ImportFileError(line: nil, "the file is empty; the first line names the columns (type,sku,currency,price,...)") }
            let names = try fields(header, line: 1).map { $0.trimmingWhitespace().lowercased() }
            for name in names where !columns.contains(name) {
                throw ImportFileError(line: 1, "unknown column \"\(name)\"; the columns are \(columns.sorted().joined(separator: ", "))")
            }
            guard names.contains("type") else { throw ImportFileError(line: 1, "the first line must name the columns, type among them") }
            for (index, line) in lines.enumerated().dropFirst() where !line.allSatisfy(\.isWhitespace) {
                let values = try fields(line, line: index + 1)
                guard values.count == names.count else {
                    throw ImportFileError(line: index + 1, "\(values.count) fields where the header names \(names.count)")
                }
                var record: [String: String] = [:]
                for (name, value) in zip(names, values) where !value.trimmingWhitespace().isEmpty {
                    record[name] = value.trimmingWhitespace()
                }
                try builder.add(record, line: index + 1)
            }
        }
        return PriceList(rules: builder.rules, regions: builder.regions, categories: builder.categories)
    }

    private static func fields(_ text: Substring, line: Int) throws(ImportFileError) -> [String] {
        try ProductFile.fields(text, line: line)
    }

    /// One JSON object's members as text, keys lower-cased like CSV headers.
    private static func record(json line: Substring, line number: Int) throws(ImportFileError) -> [String: String] {
        guard case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)) else {
            throw ImportFileError(line: number, "not a JSON object")
        }
        var record: [String: String] = [:]
        for (key, value) in members {
            let name = key.lowercased()
            guard columns.contains(name) else {
                throw ImportFileError(line: number, "unknown key \"\(key)\"; the keys are \(columns.sorted().joined(separator: ", "))")
            }
            switch value {
            case .string(let text): record[name] = text.trimmingWhitespace()
            case .integer(let number): record[name] = String(number)
            case .number(let number): record[name] = String(number)
            case .array(let items) where name == "stores":
                record[name] = items.compactMap(\.stringValue).joined(separator: " ")
            case .null: continue
            default: throw ImportFileError(line: number, "\(key) must be text or a number")
            }
        }
        return record
    }

    /// Rules checked one row at a time, and duplicates across rows.
    private struct Builder {
        var rules: [PriceRule] = []
        var regions: [StoreID: String] = [:]
        var categories: [String: String] = [:]
        /// A rule's identity (what a second row would contradict) and its line.
        var seen: [String: Int] = [:]

        mutating func add(_ record: [String: String], line: Int) throws(ImportFileError) {
            let row = Row(record: record, line: line)
            let type = try row.required("type")
            let identity: String
            switch type {
            case "base":
                let sku = try row.sku()
                let price = try row.price()
                if let category = record["category"] {
                    guard (1...48).contains(category.count) else { throw ImportFileError(line: line, "category must be 1-48 characters") }
                    categories[sku] = category
                }
                try row.only(["type", "sku", "currency", "price", "category"])
                identity = "base \(sku) \(price.currency)"
                rules.append(.base(sku: sku, price: price))
            case "override":
                let sku = try row.sku()
                let price = try row.price()
                let scope: PriceRule.OverrideScope
                switch (record["store"], record["region"]) {
                case (let store?, nil): scope = .store(try row.store(store))
                case (nil, let region?): scope = .region(try row.name(region, "region"))
                default: throw ImportFileError(line: line, "an override names a store or a region (one of them)")
                }
                try row.only(["type", "sku", "currency", "price", "store", "region"])
                identity = "override \(sku) \(scope) \(price.currency)"
                rules.append(.override(sku: sku, scope: scope, price: price))
            case "member":
                let sku = try row.sku()
                let tier = try row.name(try row.required("tier"), "tier")
                let price = try row.price()
                try row.only(["type", "sku", "tier", "currency", "price"])
                identity = "member \(sku) \(tier) \(price.currency)"
                rules.append(.member(sku: sku, tier: tier, price: price))
            case "promotion":
                let promotion = try row.promotion()
                identity = "promotion \(promotion.id)"
                rules.append(.promotion(promotion))
            case "region":
                let store = try row.store(try row.required("store"))
                let region = try row.name(try row.required("region"), "region")
                try row.only(["type", "store", "region"])
                identity = "region of \(store)"
                regions[store] = region
            default:
                throw ImportFileError(line: line, "type \"\(type)\" is not one of base, override, member, promotion, region")
            }
            if let first = seen[identity] {
                throw ImportFileError(line: line, "\(identity) is already given on line \(first)")
            }
            seen[identity] = line
        }
    }

    /// One row's values, read with messages that name the column.
    private struct Row {
        let record: [String: String]
        let line: Int

        func required(_ column: String) throws(ImportFileError) -> String {
            guard let value = record[column] else { throw ImportFileError(line: line, "\(column) is missing") }
            return value
        }

        /// No value in a column this type does not read: a misplaced value is a mistake, not noise.
        func only(_ allowed: Set<String>) throws(ImportFileError) {
            if let extra = record.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw ImportFileError(line: line, "\(extra) does not apply to a \(record["type"] ?? "") row")
            }
        }

        func sku() throws(ImportFileError) -> String {
            let sku = try required("sku")
            guard (1...64).contains(sku.count), !sku.contains(where: \.isWhitespace) else {
                throw ImportFileError(line: line, "sku \"\(sku)\" must be 1-64 characters without spaces")
            }
            return sku
        }

        func name(_ text: String, _ column: String) throws(ImportFileError) -> String {
            guard (1...48).contains(text.count), !text.contains(where: \.isWhitespace) else {
                throw ImportFileError(line: line, "\(column) \"\(text)\" must be 1-48 characters without spaces")
            }
            return text
        }

        func store(_ text: String) throws(ImportFileError) -> StoreID {
            guard let store = StoreID(rawValue: text) else {
                throw ImportFileError(line: line, InvalidIdentifier(noun: StoreKind.noun, value: text).message)
            }
            return store
        }

        func currency() throws(ImportFileError) -> Currency {
            let code = try required("currency")
            guard let currency = Currency(rawValue: code) else { throw ImportFileError(line: line, "currency \"\(code)\": \(Currency.invalidValueMessage)") }
            return currency
        }

        func price() throws(ImportFileError) -> Money {
            try money(try required("price"), column: "price", currency: try currency())
        }

        /// `89.99` in `currency` -> 8999 minor units, exactly.
        func money(_ text: String, column: String, currency: Currency) throws(ImportFileError) -> Money {
            guard let minor = Self.decimal(text, digits: currency.minorUnitDigits), (0...InputBounds.maxAmount).contains(minor) else {
                throw ImportFileError(line: line, "\(column) \"\(text)\" must be an amount like 89.99 with at most \(currency.minorUnitDigits) decimals for \(currency)")
            }
            return Money(amount: minor, currency: currency)
        }

        func promotion() throws(ImportFileError) -> Promotion {
            let id = try name(try required("promotion"), "promotion")
            let target: Promotion.Target
            switch (record["sku"], record["category"]) {
            case (_?, nil): target = .sku(try sku())
            case (nil, let category?): target = .category(category)
            default: throw ImportFileError(line: line, "a promotion targets a sku or a category (one of them)")
            }
            let discount: Promotion.Discount
            switch (record["percent"], record["amountoff"]) {
            case (let percent?, nil):
                guard let basisPoints = Self.decimal(percent, digits: 2), (1...10_000).contains(basisPoints) else {
                    throw ImportFileError(line: line, "percent \"\(percent)\" must be between 0.01 and 100, with at most two decimals")
                }
                guard record["currency"] == nil else { throw ImportFileError(line: line, "currency does not apply to a percent promotion") }
                discount = .percent(basisPoints: basisPoints)
            case (nil, let amount?):
                discount = .amountOff(try money(amount, column: "amountOff", currency: try currency()))
            default:
                throw ImportFileError(line: line, "a promotion gives a percent or an amountOff (one of them)")
            }
            let starts = try time("starts")
            let ends = try time("ends")
            guard starts < ends else { throw ImportFileError(line: line, "promotion \(id) ends before it starts") }
            var stores: Set<StoreID>?
            if let list = record["stores"] {
                var set = Set<StoreID>()
                for name in list.split(whereSeparator: { $0 == " " || $0 == ";" }) { set.insert(try store(String(name))) }
                stores = set
            }
            try only(["type", "promotion", "sku", "category", "percent", "amountoff", "currency", "starts", "ends", "stores"])
            return Promotion(id: id, target: target, discount: discount, starts: starts, ends: ends, stores: stores)
        }

        func time(_ column: String) throws(ImportFileError) -> Date {
            let text = try required(column)
            guard let date = RFC3339.parse(text) else { throw ImportFileError(line: line, "\(column) \"\(text)\" must be a time like 2026-12-20T09:00:00Z") }
            return date
        }

        static func power10(_ exponent: Int) -> Int64 {
            (0..<exponent).reduce(1) { value, _ in value * 10 }
        }

        /// A non-negative decimal with at most `digits` decimals, scaled to an integer.
        static func decimal(_ text: String, digits: Int) -> Int64? {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 15, parts[0].allSatisfy(\.isASCIIDigit),
                let whole = Int64(parts[0])
            else { return nil }
            var fraction: Int64 = 0
            if parts.count == 2 {
                let decimals = parts[1]
                guard !decimals.isEmpty, decimals.count <= digits, decimals.allSatisfy(\.isASCIIDigit), let value = Int64(decimals) else { return nil }
                fraction = value * power10(digits - decimals.count)
            }
            return whole * power10(digits) + fraction
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
