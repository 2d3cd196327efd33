import Foundation

/// What a campaign did: the treated group against the holdout, with 95%
/// confidence intervals, as `omnisync-hub campaigns report` prints it.
///
/// Both groups are drawn from the same audience by ``HoldoutDraw``, so the
/// difference between them estimates the campaign's effect. The intervals
/// are the normal approximations every campaign tool uses at these sizes
/// (hundreds of customers and more in each group): for conversion, the
/// unpooled difference of two proportions; for spend per customer, Welch's
/// difference of two means; relative uplift by the delta method on the log
/// of the ratio. Small groups widen the intervals rather than break them.
public enum Uplift {
    /// One group's outcome over the campaign's window.
    public struct Group: Sendable, Hashable {
        public var customers: Int
        /// Customers who bought at least once in the window.
        public var converted: Int
        /// Spend per customer, summed and summed squared (minor units), so
        /// the mean and variance come without keeping every customer.
        public var spend: Double
        public var spendSquares: Double

        public init(customers: Int, converted: Int, spend: Double, spendSquares: Double) {
            self.customers = customers
            self.converted = converted
            self.spend = spend
            self.spendSquares = spendSquares
        }

        /// The group of `spends`, one per customer (0 for those who bought nothing).
        public init(spends: [Double]) {
            self.init(
                customers: spends.count, converted: spends.count(where: { $0 > 0 }), spend: spends.reduce(0, +),
                spendSquares: spends.reduce(0) { $0 + $1 * $1 }
            )
        }

        public var conversionRate: Double { customers == 0 ? 0 : Double(converted) / Double(customers) }
        public var spendPerCustomer: Double { customers == 0 ? 0 : spend / Double(customers) }

        /// The sample variance of spend per customer.
        var spendVariance: Double {
            guard customers > 1 else { return 0 }
            let n = Double(customers)
            return max(0, (spendSquares - spend * spend / n) / (n - 1))
        }
    }

    /// An estimate with its 95% interval.
    public struct Interval: Sendable, Hashable, Encodable {
        public var estimate: Double
        public var low: Double
        public var high: Double

        public func contains(_ value: Double) -> Bool { low <= value && value <= high }
    }

    /// Absolute (treated minus holdout) and relative (treated over holdout,
    /// minus one) uplift; the relative one is nil when the holdout's value is 0.
    public struct Estimate: Sendable, Hashable, Encodable {
        public var absolute: Interval
        public var relative: Interval?
    }

    /// The normal quantile of a two-sided 95% interval.
    static let z = 1.959963984540054

    /// Uplift in conversion rate.
    public static func conversion(treated: Group, holdout: Group) -> Estimate? {
        guard treated.customers > 0, holdout.customers > 0 else { return nil }
        let (p1, p0) = (treated.conversionRate, holdout.conversionRate)
        let variance1 = p1 * (1 - p1) / Double(treated.customers)
        let variance0 = p0 * (1 - p0) / Double(holdout.customers)
        return estimate(treated: p1, holdout: p0, variance1: variance1, variance0: variance0)
    }

    /// Uplift in spend per customer (every member counts, buyers or not).
    public static func spendPerCustomer(treated: Group, holdout: Group) -> Estimate? {
        guard treated.customers > 0, holdout.customers > 0 else { return nil }
        let variance1 = treated.spendVariance / Double(treated.customers)
        let variance0 = holdout.spendVariance / Double(holdout.customers)
        return estimate(treated: treated.spendPerCustomer, holdout: holdout.spendPerCustomer, variance1: variance1, variance0: variance0)
    }

    /// `treated - holdout` and `treated / holdout - 1`, from each mean's
    /// estimated variance.
    static func estimate(treated: Double, holdout: Double, variance1: Double, variance0: Double) -> Estimate {
        let difference = treated - holdout
        let margin = z * (variance1 + variance0).squareRoot()
        let absolute = Interval(estimate: difference, low: difference - margin, high: difference + margin)
        guard holdout > 0, treated > 0 else { return Estimate(absolute: absolute, relative: nil) }
        // Var(log(t/h)) ≈ Var(t)/t² + Var(h)/h².
        let logRatio = Foundation.log(treated / holdout)
        let logMargin = z * (variance1 / (treated * treated) + variance0 / (holdout * holdout)).squareRoot()
        let relative = Interval(
            estimate: treated / holdout - 1, low: Foundation.exp(logRatio - logMargin) - 1, high: Foundation.exp(logRatio + logMargin) - 1
        )
        return Estimate(absolute: absolute, relative: relative)
    }
}
