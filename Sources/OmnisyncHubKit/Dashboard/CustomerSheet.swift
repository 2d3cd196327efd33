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
        guard case .object(var profile) = try JSONDecoder().decode(JSON.self, from: try WireCoding.encode(view)) else {
            throw HubError(.storage, "the customer view of \(id) is not a JSON object")
        }
        let activity = profile.removeValue(forKey: "activity")
        self.id = id.rawValue
        self.revealed = revealed
        sections = [Section(title: "Profile", rows: Self.rows(profile))]
        if case .object(let activity) = activity {
            sections.append(Section(title: "Activity (all channels)", rows: Self.rows(activity)))
        }
    }

    /// A JSON value, read without Foundation's platform differences on booleans.
    enum JSON: Decodable {
        case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([JSON].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: JSON].self))
            }
        }
    }

    /// One row per key, in key order; nested objects become "parent child" rows.
    static func rows(_ object: [String: JSON], prefix: String = "") -> [Row] {
        object.keys.sorted().flatMap { key -> [Row] in
            let label = prefix.isEmpty ? words(key) : "\(prefix) \(words(key).lowercased())"
            if case .object(let nested) = object[key] {
                return rows(nested, prefix: label)
            }
            return [Row(label: label, value: text(object[key] ?? .null))]
        }
    }

    /// A JSON value in words: lists joined, `{"sku","quantity"}` as "sku (quantity)".
    static func text(_ value: JSON) -> String {
        switch value {
        case .null: return "-"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let string): return string
        case .array(let list): return list.isEmpty ? "-" : list.map(text).joined(separator: ", ")
        case .object(let object):
            // Money as the CLI prints it ("57.24 EUR"), by the currency's minor units.
            if object.count == 2, case .number(let amount)? = object["amount"], case .string(let code)? = object["currency"],
                let currency = Currency(rawValue: code)
            {
                return Money(amount: Int64(amount), currency: currency).description
            }
            // Amounts per currency ({"EUR": 5724}, minor units): "57.24 EUR".
            let amounts = object.compactMap { key, value -> Money? in
                guard case .number(let amount) = value, let currency = Currency(rawValue: key) else { return nil }
                return Money(amount: Int64(amount), currency: currency)
            }
            if !object.isEmpty, amounts.count == object.count {
                return amounts.sorted { $0.currency.rawValue < $1.currency.rawValue }.map(\.description).joined(separator: ", ")
            }
            let strings = object.values.compactMap { if case .string(let s) = $0 { s } else { nil } }
            let numbers = object.values.compactMap { if case .number(let n) = $0 { n } else { nil } }
            if object.count == 2, strings.count == 1, numbers.count == 1 { return "\(strings[0]) (\(text(.number(numbers[0]))))" }
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
