public import Foundation

/// What `prices show --json` prints, at the hub and at a till (and what the
/// till's local API answers): the price that applies, the rule that produced
/// it, and which copy of the price list said so.
public struct PriceAnswer: Sendable, Hashable, Encodable {
    public var sku: String
    /// Nil at the hub without `--store`: the chain's price.
    public var store: StoreID?
    public var tier: String?
    public var at: Date
    public var price: Money
    public var listPrice: Money
    public var rule: String
    /// The price list's version, and when it was imported (hub) or last
    /// changed here (till).
    public var version: Int64
    public var updatedAt: Date?
    /// Every row about the SKU (at the hub, which holds them all); nil at a till.
    public var rules: [PriceListEntry]?

    public init(
        sku: String, store: StoreID?, tier: String?, at: Date, quote: PriceQuote, version: Int64, updatedAt: Date?, rules: [PriceListEntry]? = nil
    ) {
        self.sku = sku
        self.store = store
        self.tier = tier
        self.at = at
        price = quote.price
        listPrice = quote.listPrice
        rule = quote.rule.description
        self.version = version
        self.updatedAt = updatedAt
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey { case sku, store, tier, at, price, listPrice, rule, version, updatedAt, rules }

    /// Every key is written, absent values as null (`rules` only where known).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sku, forKey: .sku)
        try container.encode(store, forKey: .store)
        try container.encode(tier, forKey: .tier)
        try container.encode(at, forKey: .at)
        try container.encode(price, forKey: .price)
        try container.encode(listPrice, forKey: .listPrice)
        try container.encode(rule, forKey: .rule)
        try container.encode(version, forKey: .version)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(rules, forKey: .rules)
    }

    /// "SHOE-42 at PARIS-01 for tier vip, 2027-01-10T09:00:00Z: 71.99 EUR (promotion WINTER: 20 % off); list price 89.99 EUR".
    public var summary: String {
        "\(sku) \(store.map { "at \($0)" } ?? "chain-wide")\(tier.map { " for tier \($0)" } ?? ""), \(RFC3339.format(at)): \(price) (\(rule)); list price \(listPrice)"
    }
}
