public import Foundation

/// A sale line charged at another unit price than the till's price list
/// gave: the cashier's word stands (the line is recorded as charged), and
/// the difference is kept for head office (`omnisync-hub overrides list`).
///
/// The till decides this when it records the sale, with the list it had then
/// (its version is kept): the hub's list may have moved on by the time the
/// entry arrives, and what matters is what the cashier saw.
public struct PriceOverride: Hashable, Sendable {
    /// The line it concerns, from 1, in the sale's `lines`.
    public var line: Int
    public var sku: String
    /// The unit price the till's list gave.
    public var quoted: Money
    /// The unit price charged (the line's `unitPrice`).
    public var charged: Money
    /// The rule that produced `quoted` (``PriceQuote/Rule``'s description).
    public var rule: String
    /// The price-list version the till priced with.
    public var version: Int64

    public init(line: Int, sku: String, quoted: Money, charged: Money, rule: String, version: Int64) {
        self.line = line
        self.sku = sku
        self.quoted = quoted
        self.charged = charged
        self.rule = rule
        self.version = version
    }

    /// Charged minus quoted, per unit: negative when the customer paid less.
    public var unitDifference: Int64 { charged.amount - quoted.amount }

    /// The longest rule text kept: the longest description ``PriceQuote/Rule``
    /// makes (a promotion id and its discount) is well under this.
    static let maxRuleLength = 200

    /// What is wrong with `overrides` as the overrides of a sale of `lines`,
    /// nil when nothing: each names an existing line, in order, once, with
    /// that line's SKU and price, and a quote that differs from it.
    static func problem(with overrides: [PriceOverride], of lines: [SaleLine]) -> String? {
        if overrides.isEmpty { return nil }
        var previous = 0
        for override in overrides {
            guard override.line > previous else { return "must name each line once, in order" }
            previous = override.line
            guard override.line <= lines.count else { return "names line \(override.line) of a sale of \(lines.count) lines" }
            let line = lines[override.line - 1]
            guard override.sku == line.sku, override.charged == line.unitPrice else {
                return "line \(override.line) is not \(override.sku) at \(override.charged)"
            }
            guard override.quoted != override.charged else { return "line \(override.line) was charged the quoted price: no override" }
        }
        return nil
    }
}

extension PriceList {
    /// The lines of a sale whose unit price differs from this list's price
    /// for the customer at `time`, as overrides.
    ///
    /// A line the list cannot price (a SKU it does not hold, or holds in
    /// another currency) is no override: the list says nothing about it.
    public func overrides(of lines: [SaleLine], store: StoreID?, tier: String?, at time: Date, version: Int64) -> [PriceOverride] {
        var overrides: [PriceOverride] = []
        for (index, line) in lines.enumerated() {
            guard let quote = try? quote(sku: line.sku, store: store, tier: tier, at: time, currency: line.unitPrice.currency),
                  quote.price != line.unitPrice
            else { continue }
            overrides.append(PriceOverride(
                line: index + 1, sku: line.sku, quoted: quote.price, charged: line.unitPrice, rule: quote.rule.description, version: version
            ))
        }
        return overrides
    }
}

extension PriceOverride: Codable {
    enum CodingKeys: String, CodingKey {
        case line, sku, quoted, charged, rule, version
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let line = try container.decodeInteger(forKey: .line)
        guard (1...Int64(InputBounds.maxLines)).contains(line) else {
            throw container.invalid(.line, "must be between 1 and \(InputBounds.maxLines)")
        }
        let sku = try container.decode(String.self, forKey: .sku)
        guard SaleLine.isValidSKU(sku) else { throw container.invalid(.sku, "must be 1-64 characters without spaces") }
        let quoted = try container.decode(Money.self, forKey: .quoted)
        let charged = try container.decode(Money.self, forKey: .charged)
        for (key, money) in [(CodingKeys.quoted, quoted), (.charged, charged)] where !(0...InputBounds.maxAmount).contains(money.amount) {
            throw container.invalid(key, "amount must be between 0 and \(InputBounds.maxAmount) minor units")
        }
        guard quoted.currency == charged.currency else { throw container.invalid(.quoted, "must be in the charged price's currency") }
        let rule = try container.decode(String.self, forKey: .rule)
        guard (1...Self.maxRuleLength).contains(rule.count) else {
            throw container.invalid(.rule, "must be 1-\(Self.maxRuleLength) characters")
        }
        let version = try container.decodeInteger(forKey: .version)
        guard version >= 1 else { throw container.invalid(.version, "must be a price-list version (1 or more)") }
        self.init(line: Int(line), sku: sku, quoted: quoted, charged: charged, rule: rule, version: version)
    }
}
