/// How far a sync round has got, reported as it goes.
public enum SyncProgress: Sendable, Equatable {
    /// Entries acknowledged by the hub so far in this round, out of those pending at its start.
    case pushed(acknowledged: Int64, of: Int64)
    /// Profiles received from the hub so far in this round.
    case pulled(profiles: Int)
}

/// What one successful sync round did.
public struct SyncReport: Sendable, Equatable, Encodable {
    /// Entries the hub acknowledged in this round.
    public var pushed: Int64
    /// Profiles merged from the hub in this round.
    public var pulled: Int
    /// The hub's acknowledged sequence number after the round.
    public var acknowledgedSeq: Int64
    /// Entries quarantined at the hub in this round (shown to operators there).
    public var quarantined: Int
    /// Profiles the hub sent that this agent could not read, skipped (an
    /// agent older than its hub: update it).
    public var unreadable: Int = 0
    /// The hub's loyalty policy could not be read; the terminal kept its own.
    public var policyUnreadable = false
    /// The price-list version held after the round (0: none yet).
    public var priceListVersion: Int64 = 0
    /// Price-list rows changed or dropped by this round.
    public var priceRowsApplied = 0
}
