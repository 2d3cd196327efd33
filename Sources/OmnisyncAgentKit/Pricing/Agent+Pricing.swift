public import Foundation
public import OmnisyncCore

extension Agent {
    /// What `omnisync-agent prices show` prints: the price at this terminal's
    /// store, offline, from the copy of the price list the last sync brought.
    public struct PriceAnswer: Sendable, Encodable {
        public var sku: String
        public var store: StoreID
        public var tier: String?
        public var at: Date
        public var price: Money
        public var listPrice: Money
        public var rule: String
        /// The price list's version here, and when it last changed.
        public var version: Int64
        public var updatedAt: Date?

        enum CodingKeys: String, CodingKey { case sku, store, tier, at, price, listPrice, rule, version, updatedAt }

        /// Every key is written, absent values as null.
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
        }
    }

    /// The price of `sku` here at `time` for the customer holding `card` (their
    /// tier as this terminal knows it), in `currency` (default: the SKU's, when
    /// it has one). Never asks the hub.
    public func price(of sku: String, card: CardNumber?, at time: Date, currency: Currency?) throws(AgentError) -> PriceAnswer {
        let tier: String?
        if let card {
            guard let profile = try customer(card: card) else {
                throw AgentError(.notFound, "no customer holds card \(card.masked) at this terminal")
            }
            tier = CustomerView(profile, reveal: false).tier
        } else {
            tier = nil
        }
        let (store, version, updatedAt, list) = try read { db in
            let state = try AgentStateRow.fetch(db)
            let version = try LocalPriceList.version(db)
            return (state.store, version.version, version.updatedAt, try LocalPriceList.read(db, skus: [sku], store: state.store, cache: priceCache).list)
        }
        guard version > 0 else {
            throw AgentError(.notFound, "this terminal has no price list yet: it arrives with the next sync once head office imports one")
        }
        let quote: PriceQuote
        do {
            quote = try list.quote(sku: sku, store: store, tier: tier, at: time, currency: currency)
        } catch {
            throw AgentError(.notFound, "\(error) (price list version \(version))")
        }
        return PriceAnswer(
            sku: sku, store: store, tier: tier, at: time, price: quote.price, listPrice: quote.listPrice,
            rule: quote.rule.description, version: version, updatedAt: updatedAt
        )
    }
}
