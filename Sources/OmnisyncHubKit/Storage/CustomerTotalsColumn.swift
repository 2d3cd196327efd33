import Foundation
import OmnisyncCore

/// A customer's totals by channel, currency and store as one JSON column of
/// the customer's row: `{"channel":{"store":3},"spend":{"EUR":1250},"store":{"S-1":3}}`.
///
/// Why a column and not a row per total: a push touches most of its
/// customers, and each of them changes its spend, store and channel counts
/// together. As rows (schema v5's `customer_totals`) that was three upserts per
/// customer per push, the largest single cost of ingesting a batch (see
/// `docs/benchmarks.md`, issue 18); as a column of the row the push rewrites
/// anyway it costs nothing more to write and is read in the same statement.
/// SQL still reads it (`json_extract(totals, '$.spend.EUR')`, `json_each`),
/// and PostgreSQL's `jsonb` holds the same text.
///
/// Written with sorted keys and no whitespace; read by the canonical reader,
/// with `JSONDecoder` for anything else (a key with an escape, or text a
/// migration or an operator wrote differently), so no valid column is refused.
enum CustomerTotalsColumn {
    /// The column's text, or nil when the customer has no totals (none yet,
    /// or cleared by an erasure).
    static func encode(_ activity: CustomerActivity) -> String? {
        if activity.channelOrders.isEmpty, activity.spend.isEmpty, activity.storeOrders.isEmpty { return nil }
        var text = "{\"channel\":"
        object(activity.channelOrders.map { ($0.key, Int64($0.value)) }, into: &text)
        text += ",\"spend\":"
        object(activity.spend.map { ($0.key.rawValue, $0.value) }, into: &text)
        text += ",\"store\":"
        object(activity.storeOrders.map { ($0.key.rawValue, Int64($0.value)) }, into: &text)
        text += "}"
        return text
    }

    private static func object(_ pairs: [(String, Int64)], into text: inout String) {
        text += "{"
        for (index, (key, value)) in pairs.sorted(by: { $0.0 < $1.0 }).enumerated() {
            if index > 0 { text += "," }
            quote(key, into: &text)
            text += ":"
            text += String(value)
        }
        text += "}"
    }

    /// A JSON string: quote, backslash and control characters escaped, the
    /// rest as UTF-8.
    private static func quote(_ key: String, into text: inout String) {
        text += "\""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20: text += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// Sets `activity`'s totals from the column's text (nil: none).
    static func decode(_ text: String?, into activity: inout CustomerActivity) throws(HubError) {
        activity.channelOrders = [:]
        activity.spend = [:]
        activity.storeOrders = [:]
        guard var text else { return }
        let fast: [(String, String, Int64)]? = text.withUTF8 { utf8 in
            var reader = CanonicalJSONReader(UnsafeRawBufferPointer(utf8))
            return try? read(&reader)
        }
        let triples: [(String, String, Int64)]
        if let fast {
            triples = fast
        } else {
            do {
                let objects = try JSONDecoder().decode([String: [String: Int64]].self, from: Data(text.utf8))
                triples = objects.flatMap { dimension, values in values.map { (dimension, $0.key, $0.value) } }
            } catch {
                throw HubError(.storage, "a customer's stored totals are unreadable (\(error)); restore the hub database from a backup")
            }
        }
        for (dimension, key, value) in triples {
            switch dimension {
            case "spend":
                guard let currency = Currency(rawValue: key) else { throw unreadable("currency '\(key)'") }
                activity.spend[currency] = value
            case "store":
                guard let store = StoreID(rawValue: key) else { throw unreadable("store '\(key)'") }
                activity.storeOrders[store] = Int(value)
            case "channel":
                activity.channelOrders[key] = Int(value)
            default:
                throw unreadable("dimension '\(dimension)'")
            }
        }
    }

    private static func unreadable(_ what: String) -> HubError {
        HubError(.storage, "a customer's stored totals name an invalid \(what); restore the hub database from a backup")
    }

    /// `{"dimension":{"key":integer,...},...}` in one pass, any key order.
    private static func read(_ reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.NotCanonical) -> [(String, String, Int64)] {
        var triples: [(String, String, Int64)] = []
        try reader.expect(UInt8(ascii: "{"))
        if !reader.consume(UInt8(ascii: "}")) {
            repeat {
                let dimension = try reader.string()
                try reader.expect(UInt8(ascii: ":"))
                try reader.expect(UInt8(ascii: "{"))
                if !reader.consume(UInt8(ascii: "}")) {
                    repeat {
                        let key = try reader.string()
                        try reader.expect(UInt8(ascii: ":"))
                        triples.append((dimension, key, try reader.int64()))
                    } while reader.consume(UInt8(ascii: ","))
                    try reader.expect(UInt8(ascii: "}"))
                }
            } while reader.consume(UInt8(ascii: ","))
            try reader.expect(UInt8(ascii: "}"))
        }
        guard reader.isAtEnd else { throw CanonicalJSONReader.NotCanonical() }
        return triples
    }
}
