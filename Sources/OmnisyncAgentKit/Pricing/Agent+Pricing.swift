public import Foundation
public import OmnisyncCore

extension Agent {
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
        return PriceAnswer(sku: sku, store: store, tier: tier, at: time, quote: quote, version: version, updatedAt: updatedAt)
    }
}
