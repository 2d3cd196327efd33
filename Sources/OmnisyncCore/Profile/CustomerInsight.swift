public import Foundation

/// What the hub's models predict for one customer, written into their
/// profile (``ProfileState/insight``, last writer wins) so every till that
/// knows them can show it offline: how likely they are still a customer,
/// what they will buy and be worth, which behaviour cluster they are in,
/// and what to recommend to them.
///
/// The hub writes values ``rounded()`` (three decimals for a probability,
/// two for a count; money is in whole minor units already), so a daily
/// refit that moves a prediction by noise does not rewrite the profile, and
/// the tills do not pull it again for nothing.
public struct CustomerInsight: Hashable, Sendable, Codable {
    /// P(alive) under the BG/NBD model; nil before a first purchase.
    public var pAlive: Double?
    /// Purchases expected in the next 90 days (BG/NBD); nil before a first purchase.
    public var expectedPurchases90d: Double?
    /// Expected spend over the next 12 months: expected purchases in 365
    /// days times the expected value of a purchase (Gamma-Gamma); nil
    /// before a first purchase or without a fitted spend model.
    public var value12m: Money?
    /// The behaviour cluster (`omnisync-hub segments clusters` describes it).
    public var cluster: Int?
    /// SKUs to recommend, best first (at most 10), none already bought.
    public var recommendations: [String]
    /// When the models that made it were fitted.
    public var modelFittedAt: Date

    public init(
        pAlive: Double?, expectedPurchases90d: Double?, value12m: Money?, cluster: Int?, recommendations: [String], modelFittedAt: Date
    ) {
        self.pAlive = pAlive
        self.expectedPurchases90d = expectedPurchases90d
        self.value12m = value12m
        self.cluster = cluster
        self.recommendations = recommendations
        self.modelFittedAt = modelFittedAt
    }

    /// The same insight as the hub stores it: the probability to three
    /// decimals, the count to two, the fit time to the millisecond.
    public func rounded() -> CustomerInsight {
        CustomerInsight(
            pAlive: pAlive.map { ($0 * 1000).rounded() / 1000 }, expectedPurchases90d: expectedPurchases90d.map { ($0 * 100).rounded() / 100 },
            value12m: value12m, cluster: cluster, recommendations: recommendations, modelFittedAt: Date(millis: modelFittedAt.millis) ?? modelFittedAt
        )
    }

    /// True when `other` says the same things (only the fit time differs):
    /// the hub then keeps the stored insight instead of rewriting it.
    public func saysTheSame(as other: CustomerInsight) -> Bool {
        pAlive == other.pAlive && expectedPurchases90d == other.expectedPurchases90d && value12m == other.value12m && cluster == other.cluster
            && recommendations == other.recommendations
    }
}
