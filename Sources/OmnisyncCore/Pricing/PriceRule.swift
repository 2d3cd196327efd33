public import Foundation

/// One line of a price list. Prices include tax, in minor units, like every
/// amount on a receipt.
public enum PriceRule: Sendable, Hashable {
    /// The chain's price of a SKU in a currency.
    case base(sku: String, price: Money)
    /// A store's or a region's own price of a SKU, replacing the base price there.
    case override(sku: String, scope: OverrideScope, price: Money)
    /// The price members of a tier pay (when it is lower than what others pay).
    case member(sku: String, tier: String, price: Money)
    /// A time-limited discount on a SKU or a whole category.
    case promotion(Promotion)

    /// Where an override applies. A store's own price beats its region's.
    public enum OverrideScope: Sendable, Hashable {
        case store(StoreID)
        case region(String)
    }
}

/// A discount valid from `starts` (included) to `ends` (excluded), on one SKU
/// or every SKU of a category, in every store or only in some.
public struct Promotion: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case sku(String)
        case category(String)
    }

    public enum Discount: Sendable, Hashable {
        /// Hundredths of a percent: 2000 is 20 %, 1250 is 12.5 %.
        case percent(basisPoints: Int64)
        /// A fixed amount off each unit, in the price's currency.
        case amountOff(Money)
    }

    public var id: String
    public var target: Target
    public var discount: Discount
    public var starts: Date
    public var ends: Date
    /// nil: every store.
    public var stores: Set<StoreID>?

    public init(id: String, target: Target, discount: Discount, starts: Date, ends: Date, stores: Set<StoreID>? = nil) {
        self.id = id
        self.target = target
        self.discount = discount
        self.starts = starts
        self.ends = ends
        self.stores = stores
    }

    /// True at `time` in `store` (nil: chain-wide promotions only): from
    /// `starts` included to `ends` excluded.
    public func applies(at time: Date, in store: StoreID?) -> Bool {
        guard starts <= time && time < ends else { return false }
        guard let stores else { return true }
        return store.map(stores.contains) ?? false
    }

    /// `price` with this discount, never below zero; nil when the discount is
    /// in another currency (it does not apply to that price).
    public func discounted(_ price: Money) -> Money? {
        discount.applied(to: price)
    }

    /// "20 % off", "5.00 EUR off".
    public var discountDescription: String { discount.description }
}

extension Promotion.Discount: CustomStringConvertible {
    /// `price` with this discount, never below zero; nil when the discount is
    /// in another currency (it does not apply to that price).
    public func applied(to price: Money) -> Money? {
        switch self {
        case .percent(let basisPoints):
            // Round the discount half up, to the minor unit: 20 % of 12.99 is 2.60.
            let off = (price.amount * basisPoints + 5_000) / 10_000
            return Money(amount: max(0, price.amount - off), currency: price.currency)
        case .amountOff(let amount):
            guard amount.currency == price.currency else { return nil }
            return Money(amount: max(0, price.amount - amount.amount), currency: price.currency)
        }
    }

    /// "20 % off", "5.00 EUR off".
    public var description: String {
        switch self {
        case .percent(let basisPoints):
            let (whole, fraction) = (basisPoints / 100, basisPoints % 100)
            switch fraction {
            case 0: return "\(whole) % off"
            case let tenths where tenths % 10 == 0: return "\(whole).\(tenths / 10) % off"
            default: return "\(whole).\(fraction < 10 ? "0" : "")\(fraction) % off"
            }
        case .amountOff(let amount):
            return "\(amount) off"
        }
    }
}
