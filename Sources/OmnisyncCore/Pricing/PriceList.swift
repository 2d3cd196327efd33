public import Foundation

/// Everything a till needs to price offline: the rules, the stores' regions
/// and the SKUs' categories (for category promotions).
///
/// Pure: the same list, SKU, store, tier and time give the same quote at the
/// hub (`prices show`) and at every till (`omnisync-agent prices show`).
public struct PriceList: Sendable, Hashable {
    public var rules: [PriceRule]
    /// The region each store belongs to, for region overrides.
    public var regions: [StoreID: String]
    /// Each SKU's category, for category promotions.
    public var categories: [String: String]

    public init(rules: [PriceRule], regions: [StoreID: String] = [:], categories: [String: String] = [:]) {
        self.rules = rules
        self.regions = regions
        self.categories = categories
    }

    /// The currencies `sku` has a base price in.
    public func currencies(of sku: String) -> Set<Currency> {
        Set(rules.compactMap { rule -> Currency? in
            if case .base(let ruleSKU, let price) = rule, ruleSKU == sku { return price.currency }
            return nil
        })
    }

    /// ``quote(sku:store:tier:at:currency:)`` in `currency`, or, when nil, in
    /// the one currency `sku` has a base price in (refused when it has several).
    public func quote(sku: String, store: StoreID?, tier: String?, at time: Date, currency: Currency?) throws(PricingError) -> PriceQuote {
        if let currency { return try quote(sku: sku, store: store, tier: tier, at: time, currency: currency) }
        let priced = currencies(of: sku)
        guard priced.count == 1, let only = priced.first else {
            throw priced.isEmpty ? .unknownSKU(sku) : .currencyNotChosen(sku: sku, priced: priced.sorted { $0.rawValue < $1.rawValue })
        }
        return try quote(sku: sku, store: store, tier: tier, at: time, currency: only)
    }

    /// The price of one unit of `sku` in `store` (nil: the chain's price, with
    /// no store's or region's override and only chain-wide promotions) at
    /// `time` for a customer of `tier` (nil: not a member, or not known), in
    /// `currency`.
    ///
    /// The store's list price is its own override, else its region's, else the
    /// base price. The customer pays the lowest of: the list price, their
    /// tier's member price, and the list price with each promotion active then
    /// and there. Offers do not stack. At equal prices the simpler rule is
    /// reported (list, then member, then promotion by id).
    public func quote(sku: String, store: StoreID?, tier: String?, at time: Date, currency: Currency) throws(PricingError) -> PriceQuote {
        var base: Money?
        var storeOverride: Money?
        var regionOverride: Money?
        var member: Money?
        var otherCurrencies: Set<Currency> = []
        var promotions: [Promotion] = []
        let region = store.flatMap { regions[$0] }
        let category = categories[sku]
        for rule in rules {
            switch rule {
            case .base(let ruleSKU, let price) where ruleSKU == sku:
                if price.currency == currency { base = price } else { otherCurrencies.insert(price.currency) }
            case .override(let ruleSKU, .store(let ruleStore), let price) where ruleSKU == sku && ruleStore == store && price.currency == currency:
                storeOverride = price
            case .override(let ruleSKU, .region(let ruleRegion), let price) where ruleSKU == sku && region != nil && ruleRegion == region && price.currency == currency:
                regionOverride = price
            case .member(let ruleSKU, let ruleTier, let price) where ruleSKU == sku && ruleTier == tier && price.currency == currency:
                member = price
            case .promotion(let promotion) where promotion.applies(at: time, in: store):
                switch promotion.target {
                case .sku(let target) where target == sku: promotions.append(promotion)
                case .category(let target) where target == category: promotions.append(promotion)
                default: break
                }
            default:
                break
            }
        }
        let list: Money
        let listRule: PriceQuote.Rule
        if let storeOverride, let store {
            (list, listRule) = (storeOverride, .storeOverride(store))
        } else if let regionOverride, let region {
            (list, listRule) = (regionOverride, .regionOverride(region))
        } else if let base {
            (list, listRule) = (base, .base)
        } else if !otherCurrencies.isEmpty {
            throw .currencyMismatch(sku: sku, asked: currency, priced: otherCurrencies.sorted { $0.rawValue < $1.rawValue })
        } else {
            throw .unknownSKU(sku)
        }
        var best = PriceQuote(sku: sku, price: list, listPrice: list, rule: listRule)
        if let member, let tier, member.amount < best.price.amount {
            best = PriceQuote(sku: sku, price: member, listPrice: list, rule: .member(tier: tier))
        }
        for promotion in promotions.sorted(by: { $0.id < $1.id }) {
            if let price = promotion.discounted(list), price.amount < best.price.amount {
                best = PriceQuote(sku: sku, price: price, listPrice: list, rule: .promotion(id: promotion.id, discount: promotion.discountDescription))
            }
        }
        return best
    }
}

/// A unit price and the rule that produced it.
public struct PriceQuote: Sendable, Hashable {
    public enum Rule: Sendable, Hashable, CustomStringConvertible {
        case base
        case storeOverride(StoreID)
        case regionOverride(String)
        case member(tier: String)
        case promotion(id: String, discount: String)

        public var description: String {
            switch self {
            case .base: "base price"
            case .storeOverride(let store): "store price of \(store)"
            case .regionOverride(let region): "region price of \(region)"
            case .member(let tier): "member price for tier \(tier)"
            case .promotion(let id, let discount): "promotion \(id): \(discount)"
            }
        }
    }

    public var sku: String
    public var price: Money
    /// What a non-member pays without promotions in this store.
    public var listPrice: Money
    public var rule: Rule
}

/// Why a SKU has no price.
public enum PricingError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownSKU(String)
    /// The SKU is priced, but not in the currency asked for: the till must not
    /// convert (no exchange rates travel with a price list).
    case currencyMismatch(sku: String, asked: Currency, priced: [Currency])
    /// The SKU is priced in several currencies and none was named.
    case currencyNotChosen(sku: String, priced: [Currency])

    public var description: String {
        switch self {
        case .unknownSKU(let sku): "no price for \(sku) in the price list"
        case .currencyMismatch(let sku, let asked, let priced):
            "\(sku) is priced in \(priced.map(\.rawValue).joined(separator: ", ")), not in \(asked); refusing to convert"
        case .currencyNotChosen(let sku, let priced):
            "\(sku) is priced in \(priced.map(\.rawValue).joined(separator: ", ")); choose one with --currency"
        }
    }
}
