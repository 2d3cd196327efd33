public import Foundation
public import OmnisyncCore

/// RFM scores, segment, tier and lifecycle stage of every customer: the pure
/// part of `omnisync-hub recompute`, shared by every backend. Definitions,
/// exactly as computed here, are in `docs/crm.md`.
public enum CustomerScoring {
    /// What scoring needs of one customer: columns the hub keeps up to date
    /// as entries and orders apply, and the last recompute's answers.
    public struct Input: Sendable, Hashable {
        public var id: CustomerID
        public var orders: Int64
        public var firstPurchase: Date?
        public var lastPurchase: Date?
        /// Net lifetime spend per currency.
        public var spend: [Currency: Int64]
        /// Net spend and orders within the tier window.
        public var windowSpend: [Currency: Int64]
        public var windowOrders: Int64
        public var points: Int64
        public var previousTier: Tier?
        public var previousLifecycle: Lifecycle?
        /// P(alive) from the last insight pass (BG/NBD); nil before the models are fitted.
        public var pAlive: Double?

        public init(
            id: CustomerID, orders: Int64, firstPurchase: Date?, lastPurchase: Date?, spend: [Currency: Int64],
            windowSpend: [Currency: Int64] = [:], windowOrders: Int64 = 0, points: Int64 = 0,
            previousTier: Tier? = nil, previousLifecycle: Lifecycle? = nil, pAlive: Double? = nil
        ) {
            self.id = id
            self.orders = orders
            self.firstPurchase = firstPurchase
            self.lastPurchase = lastPurchase
            self.spend = spend
            self.windowSpend = windowSpend
            self.windowOrders = windowOrders
            self.points = points
            self.previousTier = previousTier
            self.previousLifecycle = previousLifecycle
            self.pAlive = pAlive
        }

        /// The currency the customer spent most in (ties: the first by code).
        var mainCurrency: Currency? {
            spend.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        }
    }

    public enum Tier: String, Sendable, Hashable, Codable, CaseIterable {
        case vip = "VIP", ordinary
    }

    public enum Lifecycle: String, Sendable, Hashable, Codable, CaseIterable {
        case new, active, atRisk = "at risk", churned, wonBack = "won back"
    }

    public enum Segment: String, Sendable, Hashable, Codable, CaseIterable {
        case champions, loyal, new, promising, needsAttention = "needs attention", atRisk = "at risk", hibernating
    }

    public struct Score: Sendable, Hashable {
        /// Recency, frequency and monetary quintiles, 1 to 5 (5 best); nil for a
        /// customer who never bought (outside the active base).
        public var recency: Int?
        public var frequency: Int?
        public var monetary: Int?
        public var segment: Segment?
        public var tier: Tier
        public var lifecycle: Lifecycle?
        /// The customer is overdue against their own purchase rhythm.
        public var churnRisk: Bool
    }

    /// Scores every customer of `inputs` at `now`.
    public static func score(_ inputs: [Input], now: Date, settings: CRMSettings) -> [CustomerID: Score] {
        let base = inputs.filter { $0.orders > 0 && $0.lastPurchase != nil }
        // Recency in whole days since the last purchase: purchases on the same day tie.
        let recency = quintiles(base.map { ($0.id, -Double(Self.days(from: $0.lastPurchase!, to: now))) })
        let frequency = quintiles(base.map { ($0.id, Double($0.orders)) })
        // Monetary within each main currency: amounts in different currencies do not compare.
        var monetary: [CustomerID: Int] = [:]
        for (_, group) in Dictionary(grouping: base, by: { $0.mainCurrency }) {
            let amounts = group.map { input in (input.id, Double(input.mainCurrency.flatMap { input.spend[$0] } ?? 0)) }
            monetary.merge(quintiles(amounts)) { $1 }
        }
        var scores: [CustomerID: Score] = [:]
        for input in inputs {
            let (r, f, m) = (recency[input.id], frequency[input.id], monetary[input.id])
            let (lifecycle, churnRisk) = stage(input, now: now, settings: settings)
            scores[input.id] = Score(
                recency: r, frequency: f, monetary: m,
                segment: r.flatMap { r in f.map { segment(recency: r, frequency: $0, orders: input.orders) } },
                tier: tier(input, settings: settings), lifecycle: lifecycle, churnRisk: churnRisk
            )
        }
        return scores
    }

    /// Quintile scores, 1 to 5, higher values scoring higher: a value scores
    /// ⌈5c/n⌉, c the number of values at or below it, so the best customer
    /// scores 5 however small the base, equal values score alike, and the
    /// scores do not depend on the order of the input.
    public static func quintiles(_ values: [(CustomerID, Double)]) -> [CustomerID: Int] {
        let sorted = values.map(\.1).sorted()
        let n = sorted.count
        var scores: [CustomerID: Int] = [:]
        for (id, value) in values {
            // The first index past `value`: how many are at or below it.
            var low = 0
            var high = n
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] <= value { low = middle + 1 } else { high = middle }
            }
            scores[id] = (5 * low + n - 1) / n
        }
        return scores
    }

    /// Whole days from `start` to `end` (0 on the same day, rounding down).
    static func days(from start: Date, to end: Date) -> Int64 {
        let delta = end.millis - start.millis
        return delta >= 0 ? delta / 86_400_000 : -((86_399_999 - delta) / 86_400_000)
    }

    /// The named segment of an R and F score.
    public static func segment(recency r: Int, frequency f: Int, orders: Int64) -> Segment {
        switch (r, f) {
        case (4...5, _) where orders == 1: .new
        case (4...5, 4...5): .champions
        case (3, 4...5): .loyal
        case (4...5, _): .promising
        case (1...2, 3...5): .atRisk
        case (1...2, _): .hibernating
        default: .needsAttention
        }
    }

    /// VIP on reaching a threshold; kept while above `vipKeepShare` of one.
    static func tier(_ input: Input, settings: CRMSettings) -> Tier {
        let share = input.previousTier == .vip ? settings.vipKeepShare : 1
        func reaches(_ value: Int64, _ threshold: Int64) -> Bool {
            threshold > 0 && Double(value) >= Double(threshold) * share
        }
        let spend = input.mainCurrency.flatMap { input.windowSpend[$0] } ?? 0
        if reaches(spend, settings.vipSpend) || reaches(input.windowOrders, settings.vipOrders)
            || settings.vipPoints.map({ reaches(input.points, $0) }) == true
        {
            return .vip
        }
        return .ordinary
    }

    /// Below this probability alive a repeat buyer has churned...
    public static let churnedBelowPAlive = 0.2
    /// ...and below this one they are at risk.
    public static let atRiskBelowPAlive = 0.5

    /// The lifecycle stage, and the churn-risk flag: once the insight models
    /// are fitted, a repeat buyer's from their probability alive (BG/NBD
    /// reads their whole rhythm, docs/insight.md); otherwise, and for a
    /// customer who bought once (whom BG/NBD deems alive by construction),
    /// from days since the last purchase against the customer's own typical
    /// gap between purchases.
    static func stage(_ input: Input, now: Date, settings: CRMSettings) -> (Lifecycle?, Bool) {
        guard input.orders > 0, let last = input.lastPurchase else { return (nil, false) }
        if input.orders >= 2, let pAlive = input.pAlive {
            if pAlive < churnedBelowPAlive { return (.churned, true) }
            if pAlive < atRiskBelowPAlive { return (.atRisk, true) }
            switch input.previousLifecycle {
            case .churned?, .wonBack?: return (.wonBack, false)
            default: return (.active, false)
            }
        }
        let day = 86_400_000.0
        let gap: Double
        if input.orders >= 2, let first = input.firstPurchase, last > first {
            gap = max(Double(last.millis - first.millis) / Double(input.orders - 1), day)
        } else {
            gap = Double(settings.singlePurchaseGapDays) * day
        }
        let since = Double(now.millis - last.millis)
        if since > 4 * gap { return (.churned, true) }
        if since > 2 * gap { return (.atRisk, true) }
        if input.orders == 1 { return (.new, false) }
        switch input.previousLifecycle {
        case .churned?, .wonBack?: return (.wonBack, false)
        default: return (.active, false)
        }
    }
}
