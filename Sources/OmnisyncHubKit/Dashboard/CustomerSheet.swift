import Foundation
public import OmnisyncCore

/// The 360 view as the dashboard prints it: ``HubCustomerView``'s JSON (the
/// same as `customers show --json`, already masked unless revealed) laid out
/// as labelled rows, so every field the view gains appears here without a
/// template change.
public struct CustomerSheet: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var value: String
    }

    public struct Section: Sendable {
        public var title: String
        public var rows: [Row]
    }

    public var id: String
    public var sections: [Section]
    public var revealed: Bool

    public init(_ view: HubCustomerView, id: CustomerID, revealed: Bool) throws {
        guard case .object(var profile) = try JSONDecoder().decode(JSONValue.self, from: try WireCoding.encode(view)) else {
            throw HubError(.storage, "the customer view of \(id) is not a JSON object")
        }
        let activity = profile.removeValue(forKey: "activity")
        var predictions: [String: JSONValue] = [:]
        for key in Self.predictionKeys { predictions[key] = profile.removeValue(forKey: key) }
        self.id = id.rawValue
        self.revealed = revealed
        sections = [Section(title: "Profile", rows: Self.rows(profile))]
        if case .object(let activity) = activity {
            sections.append(Section(title: "Activity (all channels)", rows: Self.rows(activity)))
        }
        sections.append(Section(title: "Predictions (docs/insight.md)", rows: Self.rows(predictions)))
    }

    /// The view's keys the insight models fill, shown in their own section.
    static let predictionKeys = ["pAlive", "expectedPurchases90d", "value12m", "cluster", "recommendations"]

    /// One row per key, in key order; nested objects become "parent child" rows.
    static func rows(_ object: [String: JSONValue], prefix: String = "") -> [Row] {
        object.keys.sorted().flatMap { key -> [Row] in
            let label = prefix.isEmpty ? words(key) : "\(prefix) \(words(key).lowercased())"
            // Money stays one row ("180.50 EUR"); other objects become a row per key.
            if case .object(let nested) = object[key], !(nested.count == 2 && nested["amount"] != nil && nested["currency"] != nil) {
                return rows(nested, prefix: label)
            }
            return [Row(label: label, value: text(object[key] ?? .null))]
        }
    }

    /// A JSON value in words: lists joined, `{"sku","quantity"}` as "sku (quantity)".
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .null: return "-"
        case .bool(let flag): return flag ? "yes" : "no"
        case .integer(let number): return String(number)
        case .number(let number): return String(number)
        case .string(let string): return string
        case .array(let list): return list.isEmpty ? "-" : list.map(text).joined(separator: ", ")
        case .object(let object):
            // Money as the CLI prints it ("57.24 EUR"), by the currency's minor units.
            if object.count == 2, case .integer(let amount)? = object["amount"], case .string(let code)? = object["currency"],
                let currency = Currency(rawValue: code)
            {
                return Money(amount: amount, currency: currency).description
            }
            // Amounts per currency ({"EUR": 5724}, minor units): "57.24 EUR".
            let amounts = object.compactMap { key, value -> Money? in
                guard case .integer(let amount) = value, let currency = Currency(rawValue: key) else { return nil }
                return Money(amount: amount, currency: currency)
            }
            if !object.isEmpty, amounts.count == object.count {
                return amounts.sorted { $0.currency.rawValue < $1.currency.rawValue }.map(\.description).joined(separator: ", ")
            }
            let strings = object.values.compactMap { if case .string(let s) = $0 { s } else { nil } }
            let numbers = object.values.compactMap { if case .integer(let n) = $0 { n } else { nil } }
            if object.count == 2, strings.count == 1, numbers.count == 1 { return "\(strings[0]) (\(numbers[0]))" }
            return object.keys.sorted().map { "\(words($0).lowercased()): \(text(object[$0]!))" }.joined(separator: "; ")
        }
    }

    /// `topCategories` -> "Top categories".
    static func words(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase {
                out += " " + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out.prefix(1).uppercased() + out.dropFirst()
    }
}
