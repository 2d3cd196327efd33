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

    /// A ledger as stored (see ``ProfileState/compactBytes``).
    init(earned: [ReplicaID: Int64], reversed: [ReplicaID: Int64], redeemed: [ReplicaID: Int64]) {
        self.earned = earned
        self.reversed = reversed
        self.redeemed = redeemed
    }

    /// Net points earned (earned less those taken back by returns). Sums
    /// saturate rather than trap: each counter is checked as it grows, but
    /// merged copies of many replicas are only summed here, for display.
    public var netEarned: Int64 { earned.values.saturatingSum().saturatingSubtracting(reversed.values.saturatingSum()) }
    public var totalRedeemed: Int64 { redeemed.values.saturatingSum() }
    /// What the customer can spend; negative after an offline over-redemption.
    public var balance: Int64 { netEarned.saturatingSubtracting(totalRedeemed) }

    /// One counter's growth by an entry: which counter, at which replica, by how much.
    public enum Movement: Sendable, Hashable {
        case earn(Int64)
        case reverse(Int64)
        case redeem(Int64)
    }

    /// Grows the counter `movement` names at `replica`, or throws without
    /// changing anything when the counter would overflow.
    public mutating func record(_ movement: Movement, at replica: ReplicaID) throws(ApplyError) {
        let points: Int64
        let counter: WritableKeyPath<PointsLedger, [ReplicaID: Int64]>
        switch movement {
        case .earn(let value): (points, counter) = (value, \.earned)
        case .reverse(let value): (points, counter) = (value, \.reversed)
        case .redeem(let value): (points, counter) = (value, \.redeemed)
        }
        guard points > 0 else { return }
        guard let grown = self[keyPath: counter][replica, default: 0].checkedAdding(points) else {
            throw ApplyError(.pointsOverflow, "\(points) more points would overflow the counter of terminal \(replica) (its entries add up to more than \(Int64.max))")
        }
        self[keyPath: counter][replica] = grown
    }

    public mutating func merge(_ other: PointsLedger) {
        earned.merge(other.earned, uniquingKeysWith: max)
        reversed.merge(other.reversed, uniquingKeysWith: max)
        redeemed.merge(other.redeemed, uniquingKeysWith: max)
    }
}
