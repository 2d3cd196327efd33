public import OmnisyncInsight

/// The behaviour features customers are clustered on, in plain units: how
/// recently, how often and how much they buy, how big their baskets are,
/// how much they buy online, and what share of their items falls in each of
/// the chain's largest categories.
public enum InsightFeatures {
    /// One feature, named so a cluster's centroid can be read.
    public enum Feature: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Days since the last purchase.
        case recencyDays
        /// Distinct purchase days.
        case purchaseDays
        /// Spend per purchase day (main currency units).
        case spendPerPurchaseDay
        /// Items per order.
        case basketSize
        /// Share of orders placed online.
        case onlineShare
        /// Share of items in a category.
        case categoryShare(String)

        public var description: String {
            switch self {
            case .recencyDays: "days since last purchase"
            case .purchaseDays: "purchase days"
            case .spendPerPurchaseDay: "spend per purchase day"
            case .basketSize: "items per order"
            case .onlineShare: "share of orders online"
            case .categoryShare(let category): "share of items in \(category)"
            }
        }
    }

    /// Categories with a share feature: the chain's largest by items, at most this many.
    public static let maxCategories = 4

    /// The features for `customers`: the fixed ones, then the largest categories.
    public static func features(for customers: [CustomerFacts]) -> [Feature] {
        var totals: [String: Int] = [:]
        for facts in customers {
            for (category, items) in facts.categoryItems { totals[category, default: 0] += items }
        }
        let categories = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(maxCategories).map(\.key)
        return [.recencyDays, .purchaseDays, .spendPerPurchaseDay, .basketSize, .onlineShare] + categories.map { .categoryShare($0) }
    }

    /// A customer's values for `features`, `today` being the day number now
    /// and `minorUnitsPerUnit` the main currency's (100 for EUR).
    public static func values(_ facts: CustomerFacts, features: [Feature], today: Int32, minorUnitsPerUnit: Double) -> [Double] {
        features.map { feature in
            switch feature {
            case .recencyDays: Double(max(today - facts.lastDay, 0))
            case .purchaseDays: Double(facts.purchaseDays)
            case .spendPerPurchaseDay: facts.purchaseDays > 0 ? Double(facts.spend) / minorUnitsPerUnit / Double(facts.purchaseDays) : 0
            case .basketSize: facts.orders > 0 ? Double(facts.items) / Double(facts.orders) : 0
            case .onlineShare: facts.orders > 0 ? Double(facts.onlineOrders) / Double(facts.orders) : 0
            case .categoryShare(let category): facts.items > 0 ? Double(facts.categoryItems[category] ?? 0) / Double(facts.items) : 0
            }
        }
    }

    /// The matrix of every customer's values.
    public static func matrix(_ customers: [CustomerFacts], features: [Feature], today: Int32, minorUnitsPerUnit: Double) -> FeatureMatrix {
        var values: [Double] = []
        values.reserveCapacity(customers.count * features.count)
        for facts in customers { values += Self.values(facts, features: features, today: today, minorUnitsPerUnit: minorUnitsPerUnit) }
        return FeatureMatrix(rows: customers.count, columns: features.count, values: values)
    }
}
