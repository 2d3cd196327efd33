/// The loyalty rules the hub sets (for the chain, or per store) and terminals
/// apply offline.
///
/// Terminals receive their store's policy with every pull and keep the last
/// one, so a terminal offline for a day still earns points by yesterday's
/// rule; the entry records what was earned, so the hub never recomputes it.
///
/// Offline redemption is bounded rather than forbidden: a terminal lets a
/// customer spend at most their locally known balance plus
/// `offlineRedemptionAllowance`, and only while its last successful sync is
/// less than `maxRedemptionStaleness` seconds old. Two stores redeeming the
/// same points offline can therefore overdraw an account by at most their
/// allowances; the hub flags every overdraft for review.
public struct LoyaltyPolicy: Hashable, Sendable {
    /// Points per whole currency unit of a sale's total (default 1).
    public var pointsPerCurrencyUnit: Int64
    /// Points a terminal may let a balance go below zero (default 0).
    public var offlineRedemptionAllowance: Int64
    /// Seconds after its last successful sync during which a terminal may
    /// still accept redemptions (default one day).
    public var maxRedemptionStaleness: Int64

    public init(pointsPerCurrencyUnit: Int64 = 1, offlineRedemptionAllowance: Int64 = 0, maxRedemptionStaleness: Int64 = 86_400) {
        self.pointsPerCurrencyUnit = pointsPerCurrencyUnit
        self.offlineRedemptionAllowance = offlineRedemptionAllowance
        self.maxRedemptionStaleness = maxRedemptionStaleness
    }

    /// The rules before the hub says otherwise.
    public static let `default` = LoyaltyPolicy()

    /// Points earned by a sale of `total`: one point (times the rate) per whole
    /// currency unit, rounded down: 12.99 EUR earns 12 points. Never more
    /// than ``InputBounds/maxPointsPerEntry``, whatever the inputs.
    public func pointsEarned(by total: Money) -> Int64 {
        let earned = max(0, total.wholeUnits).checkedMultiplying(by: max(0, pointsPerCurrencyUnit)) ?? .max
        return min(earned, InputBounds.maxPointsPerEntry)
    }

    /// The range of each rule, so that no rule can make a computation at a
    /// terminal overflow. `policy set` and decoding check the same ranges.
    public static let pointsPerCurrencyUnitRange: ClosedRange<Int64> = 0...InputBounds.maxPointsPerCurrencyUnit
    public static let offlineRedemptionAllowanceRange: ClosedRange<Int64> = 0...InputBounds.maxPointsPerEntry
    /// Up to ten years, in seconds: the longest a terminal may redeem offline.
    public static let maxRedemptionStalenessRange: ClosedRange<Int64> = 0...315_360_000

    /// Each rule's name with its range, in declaration order.
    static let bounds: [(rule: String, range: ClosedRange<Int64>)] = [
        ("pointsPerCurrencyUnit", pointsPerCurrencyUnitRange),
        ("offlineRedemptionAllowance", offlineRedemptionAllowanceRange),
        ("maxRedemptionStaleness", maxRedemptionStalenessRange),
    ]

    /// The first rule outside its bounds and why; nil when all hold.
    public var outOfBounds: (rule: String, message: String)? {
        let values = [pointsPerCurrencyUnit, offlineRedemptionAllowance, maxRedemptionStaleness]
        for ((rule, range), value) in zip(Self.bounds, values) where !range.contains(value) {
            return (rule, "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return nil
    }
}

extension LoyaltyPolicy: Codable {
    enum CodingKeys: String, CodingKey {
        case pointsPerCurrencyUnit, offlineRedemptionAllowance, maxRedemptionStaleness
    }

    /// Missing rules take their defaults, so a policy written by an older hub
    /// reads; a rule out of its bounds is refused (a terminal keeps the policy
    /// it had rather than adopt one that could overflow its arithmetic).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LoyaltyPolicy.default
        self.init(
            pointsPerCurrencyUnit: try container.decodeIfPresent(Int64.self, forKey: .pointsPerCurrencyUnit) ?? defaults.pointsPerCurrencyUnit,
            offlineRedemptionAllowance: try container.decodeIfPresent(Int64.self, forKey: .offlineRedemptionAllowance) ?? defaults.offlineRedemptionAllowance,
            maxRedemptionStaleness: try container.decodeIfPresent(Int64.self, forKey: .maxRedemptionStaleness) ?? defaults.maxRedemptionStaleness
        )
        if let (rule, message) = outOfBounds, let key = CodingKeys(stringValue: rule) {
            throw container.invalid(key, message)
        }
    }
}
