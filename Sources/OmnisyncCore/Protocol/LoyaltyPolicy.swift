/// The loyalty rules the hub sets and terminals apply offline.
///
/// Terminals receive the policy with every pull and keep the last one, so a
/// terminal offline for a day still earns points by yesterday's rule; the
/// entry records what was earned, so the hub never recomputes it.
public struct LoyaltyPolicy: Hashable, Sendable, Codable {
    /// Points per whole currency unit of a sale's total (default 1).
    public var pointsPerCurrencyUnit: Int64

    public init(pointsPerCurrencyUnit: Int64 = 1) {
        self.pointsPerCurrencyUnit = pointsPerCurrencyUnit
    }

    /// The rule a terminal uses before its first successful pull.
    public static let `default` = LoyaltyPolicy()

    /// Points earned by a sale of `total`: one point (times the rate) per whole
    /// currency unit, rounded down: 12.99 EUR earns 12 points.
    public func pointsEarned(by total: Money) -> Int64 {
        max(0, total.wholeUnits) * pointsPerCurrencyUnit
    }
}
