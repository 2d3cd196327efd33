/// Offline evaluation of recommendations: hide each customer's last basket,
/// learn from everything else, and count the customers for whom one of the
/// top `k` recommendations is in the hidden basket (hit rate @k), against
/// the same count for the store's best sellers.
public enum HitRate {
    /// One customer's purchases, oldest basket first.
    public struct Customer: Sendable {
        public var store: String?
        public var baskets: [[String]]

        public init(store: String?, baskets: [[String]]) {
            self.store = store
            self.baskets = baskets
        }
    }

    public struct Report: Sendable, Hashable {
        /// Customers with a history and a last basket holding something new to them.
        public var evaluated: Int
        public var coPurchaseHits: Int
        public var popularityHits: Int
        public var k: Int

        public var coPurchase: Double { evaluated > 0 ? Double(coPurchaseHits) / Double(evaluated) : 0 }
        public var popularity: Double { evaluated > 0 ? Double(popularityHits) / Double(evaluated) : 0 }
    }

    public static func evaluate(_ customers: [Customer], k: Int = 10) -> Report {
        var counts = CoPurchaseCounts()
        var storeBuyers: [String: [Int32: Int]] = [:]
        var histories: [(store: String?, had: Set<Int32>, last: Set<String>)] = []
        for customer in customers {
            var had: Set<Int32> = []
            for basket in customer.baskets.dropLast() {
                let items = Set(basket.map { counts.number(of: $0) })
                counts.record(had: had, bought: items)
                if let store = customer.store {
                    for item in items.subtracting(had) { storeBuyers[store, default: [:]][item, default: 0] += 1 }
                }
                had.formUnion(items)
            }
            if customer.baskets.count >= 2, let last = customer.baskets.last { histories.append((customer.store, had, Set(last))) }
        }
        let recommender = Recommender(counts: counts, storeBuyers: storeBuyers)
        var report = Report(evaluated: 0, coPurchaseHits: 0, popularityHits: 0, k: k)
        for history in histories {
            // What the customer bought for the first time: re-buying is not what recommendations predict.
            let new = Set(history.last.compactMap { counts.existingNumber(of: $0) }).subtracting(history.had)
            guard !new.isEmpty || history.last.contains(where: { counts.existingNumber(of: $0) == nil }) else { continue }
            report.evaluated += 1
            if !new.isDisjoint(with: recommender.recommend(bought: history.had, store: history.store, limit: k)) { report.coPurchaseHits += 1 }
            if !new.isDisjoint(with: recommender.popularity(bought: history.had, store: history.store, limit: k)) { report.popularityHits += 1 }
        }
        return report
    }
}
