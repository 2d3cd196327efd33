public import Foundation
public import OmnisyncCore

/// What `omnisync-agent status` shows: is this terminal keeping up with the hub?
public struct AgentStatus: Sendable, Equatable {
    public var terminal: TerminalID
    public var store: StoreID
    public var hub: String
    /// True when the last sync attempt succeeded.
    public var online: Bool
    /// Entries recorded here that the hub has not yet acknowledged.
    public var pending: Int64
    /// Seconds since the oldest pending entry was recorded; nil when none is pending.
    public var oldestPendingAge: Double?
    public var lastSync: Date?
    public var lastAttempt: Date?
    public var lastError: String?
    /// Since when sync attempts have found the hub unreachable.
    public var unreachableSince: Date?
    public var acknowledgedSeq: Int64
    public var lastSeq: Int64
    public var pullCursor: String?
    public var profiles: Int
    public var policy: LoyaltyPolicy
    /// The hub's clock minus this terminal's at the last pull, in seconds; the
    /// agent stamps entries with its clock corrected by it.
    public var hubClockOffsetSeconds: Double?
    /// The price list this terminal prices with (0: none yet), and when it last changed.
    public var priceListVersion: Int64 = 0
    public var priceListUpdatedAt: Date?
    /// Rows of that list held here (rules, regions, categories).
    public var priceListEntries: Int = 0
}

extension AgentStatus: Encodable {
    enum CodingKeys: String, CodingKey {
        case terminal, store, hub, online, pending, oldestPendingAge, lastSync, lastAttempt, lastError
        case unreachableSince, acknowledgedSeq, lastSeq, pullCursor, profiles, policy, hubClockOffsetSeconds
        case priceListVersion, priceListUpdatedAt, priceListEntries
    }

    /// Every key is written, absent values as null, as the contract promises.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(store, forKey: .store)
        try container.encode(hub, forKey: .hub)
        try container.encode(online, forKey: .online)
        try container.encode(pending, forKey: .pending)
        try container.encode(oldestPendingAge, forKey: .oldestPendingAge)
        try container.encode(lastSync, forKey: .lastSync)
        try container.encode(lastAttempt, forKey: .lastAttempt)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(unreachableSince, forKey: .unreachableSince)
        try container.encode(acknowledgedSeq, forKey: .acknowledgedSeq)
        try container.encode(lastSeq, forKey: .lastSeq)
        try container.encode(pullCursor, forKey: .pullCursor)
        try container.encode(profiles, forKey: .profiles)
        try container.encode(policy, forKey: .policy)
        try container.encode(hubClockOffsetSeconds, forKey: .hubClockOffsetSeconds)
        try container.encode(priceListVersion, forKey: .priceListVersion)
        try container.encode(priceListUpdatedAt, forKey: .priceListUpdatedAt)
        try container.encode(priceListEntries, forKey: .priceListEntries)
    }
}
