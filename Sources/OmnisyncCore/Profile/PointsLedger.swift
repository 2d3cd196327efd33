/// The loyalty points recorded under one customer id, as per-replica
/// grow-only counters.
///
/// Each terminal only ever increases its own counters, so merging two copies is
/// taking the larger value per replica: nothing counted twice, nothing lost,
/// whatever order copies meet in. A retried upload cannot double points.
/// (``ProfileState`` keeps one ledger per customer id merged into it, so an
/// identity merge adds ledgers rather than taking maxima across customers.)
public struct PointsLedger: Hashable, Sendable, Codable {
    /// Points earned, per replica.
    public private(set) var earned: [ReplicaID: Int64]
    /// Earned points taken back by returns, per replica.
    public private(set) var reversed: [ReplicaID: Int64]
    /// Points spent, per replica.
    public private(set) var redeemed: [ReplicaID: Int64]

    public init() {
        earned = [:]
        reversed = [:]
        redeemed = [:]
    }

    /// Net points earned (earned less those taken back by returns).
    public var netEarned: Int64 { earned.values.reduce(0, +) - reversed.values.reduce(0, +) }
    public var totalRedeemed: Int64 { redeemed.values.reduce(0, +) }
    /// What the customer can spend; negative after an offline over-redemption.
    public var balance: Int64 { netEarned - totalRedeemed }

    public mutating func earn(_ points: Int64, at replica: ReplicaID) {
        guard points > 0 else { return }
        earned[replica, default: 0] += points
    }

    public mutating func reverse(_ points: Int64, at replica: ReplicaID) {
        guard points > 0 else { return }
        reversed[replica, default: 0] += points
    }

    public mutating func redeem(_ points: Int64, at replica: ReplicaID) {
        guard points > 0 else { return }
        redeemed[replica, default: 0] += points
    }

    public mutating func merge(_ other: PointsLedger) {
        earned.merge(other.earned, uniquingKeysWith: max)
        reversed.merge(other.reversed, uniquingKeysWith: max)
        redeemed.merge(other.redeemed, uniquingKeysWith: max)
    }
}
