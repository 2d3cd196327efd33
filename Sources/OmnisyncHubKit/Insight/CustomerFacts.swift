import Foundation
public import OmnisyncCore
public import OmnisyncInsight

/// One customer's purchases as the insight models read them, folded from
/// their sales (``Accumulator``) in one pass over the orders: purchase days
/// for the lifetime models, behaviour for the clusters, SKUs for the
/// recommendations. Days are whole UTC days since 1970.
public struct CustomerFacts: Sendable, Hashable {
    public var customer: CustomerID
    public var firstDay: Int32
    public var lastDay: Int32
    /// Distinct days with a purchase.
    public var purchaseDays: Int
    /// Spend (minor units of the main currency) on the days after the first,
    /// and how many of those days had spend in it.
    public var repeatSpend: Int64
    public var repeatSpendDays: Int
    /// Spend in the main currency over all purchase days.
    public var spend: Int64
    public var orders: Int
    /// Orders of channels other than the stores (web, app).
    public var onlineOrders: Int
    /// Items bought (the sum of line quantities).
    public var items: Int
    /// The store with the most orders; nil for an online-only customer.
    public var preferredStore: String?
    /// Items per catalogue category (uncatalogued SKUs are left out).
    public var categoryItems: [String: Int]
    /// The SKUs bought, by their number in ``CustomerFactsTable/skus``.
    public var skus: [Int32]

    /// The BG/NBD and Gamma-Gamma reading, in days up to `today`.
    public func history(today: Int32) -> PurchaseHistory {
        let recency = Double(lastDay - firstDay)
        return PurchaseHistory(
            frequency: purchaseDays - 1, recency: recency, age: max(Double(today - firstDay), recency),
            monetary: repeatSpendDays > 0 ? Double(repeatSpend) / Double(repeatSpendDays) : nil
        )
    }

    /// Folds a customer's order lines, in order of time, into their facts.
    public struct Accumulator: Sendable {
        public let customer: CustomerID
        private let mainCurrency: String
        private var days: [Int32] = []
        private var repeatSpend: Int64 = 0
        private var repeatSpendDays = 0
        private var lastSpendDay: Int32 = -1
        private var spend: Int64 = 0
        private var orders = 0
        private var onlineOrders = 0
        private var items = 0
        private var storeOrders: [String: Int] = [:]
        private var categoryItems: [String: Int] = [:]
        private var skus: Set<Int32> = []
        private var lastOrder: Int64?

        public init(customer: CustomerID, mainCurrency: String) {
            self.customer = customer
            self.mainCurrency = mainCurrency
        }

        /// One line of a sale (the order's columns repeat on each of its lines).
        public mutating func add(
            order: Int64, atMillis: Int64, channel: String, store: String?, total: Int64, currency: String, sku: Int32, quantity: Int64, category: String?
        ) {
            if order != lastOrder {
                lastOrder = order
                orders += 1
                let day = Int32(truncatingIfNeeded: atMillis >= 0 ? atMillis / 86_400_000 : (atMillis - 86_399_999) / 86_400_000)
                if days.last != day { days.append(day) }
                if channel != "store" { onlineOrders += 1 }
                if let store { storeOrders[store, default: 0] += 1 }
                if currency == mainCurrency {
                    spend += total
                    if days.count > 1 {
                        repeatSpend += total
                        if lastSpendDay != day { repeatSpendDays += 1 }
                    }
                    lastSpendDay = day
                }
            }
            let count = Int(clamping: max(quantity, 0))
            items += count
            skus.insert(sku)
            if let category { categoryItems[category, default: 0] += count }
        }

        public var isEmpty: Bool { orders == 0 }

        public func facts() -> CustomerFacts {
            CustomerFacts(
                customer: customer, firstDay: days.first ?? 0, lastDay: days.last ?? 0, purchaseDays: days.count, repeatSpend: repeatSpend,
                repeatSpendDays: repeatSpendDays, spend: spend, orders: orders, onlineOrders: onlineOrders, items: items,
                preferredStore: storeOrders.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key,
                categoryItems: categoryItems, skus: skus.sorted()
            )
        }
    }
}

/// Every customer's facts, with the SKU numbering they use and the chain's
/// main currency (the one most sales are in: the one spend is read in).
public struct CustomerFactsTable: Sendable {
    public var customers: [CustomerFacts]
    public var skus: [String]
    public var currency: Currency?
    /// The last order read: the next incremental pass starts after it.
    public var watermark: Int64

    public init(customers: [CustomerFacts], skus: [String], currency: Currency?, watermark: Int64) {
        self.customers = customers
        self.skus = skus
        self.currency = currency
        self.watermark = watermark
    }
}
