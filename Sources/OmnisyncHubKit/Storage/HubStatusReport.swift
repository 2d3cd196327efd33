public import Foundation
public import OmnisyncCore

/// What `omnisync-hub status` shows: which terminals are behind, and what
/// needs an operator's attention.
public struct HubStatusReport: Sendable, Hashable, Encodable {
    public struct Terminal: Sendable, Hashable {
        public var terminal: TerminalID
        public var store: StoreID
        public var lastContact: Date?
        public var acknowledgedSeq: Int64
        public var reportedBacklog: Int64
        public var clockSkewSeconds: Double?
        public var quarantined: Int
        public var revoked: Bool

        public init(
            terminal: TerminalID, store: StoreID, lastContact: Date?, acknowledgedSeq: Int64, reportedBacklog: Int64,
            clockSkewSeconds: Double?, quarantined: Int, revoked: Bool
        ) {
            self.terminal = terminal
            self.store = store
            self.lastContact = lastContact
            self.acknowledgedSeq = acknowledgedSeq
            self.reportedBacklog = reportedBacklog
            self.clockSkewSeconds = clockSkewSeconds
            self.quarantined = quarantined
            self.revoked = revoked
        }
    }

    public var terminals: [Terminal]
    /// Entries stored but not applied, waiting for an operator.
    public var quarantined: Int
    /// Orders of other channels kept aside because an identifier is unusable.
    public var quarantinedOrders: Int = 0
    /// Concurrent profile edits resolved by the merge rules, kept in the conflict log.
    public var conflicts: Int
    /// Offline over-redemptions waiting for head office's review.
    public var overdraftsPendingReview: Int
    /// True while an erased customer's old data may remain in the database's
    /// write-ahead log because readers kept a checkpoint from completing; the
    /// hub retries on its next write.
    public var erasurePurgePending: Bool = false
}

extension HubStatusReport.Terminal: Encodable {
    enum CodingKeys: String, CodingKey {
        case terminal, store, lastContact, acknowledgedSeq, reportedBacklog, clockSkewSeconds, quarantined, revoked
    }

    /// Every key is written, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(store, forKey: .store)
        try container.encode(lastContact, forKey: .lastContact)
        try container.encode(acknowledgedSeq, forKey: .acknowledgedSeq)
        try container.encode(reportedBacklog, forKey: .reportedBacklog)
        try container.encode(clockSkewSeconds.map { ($0 * 1000).rounded() / 1000 }, forKey: .clockSkewSeconds)
        try container.encode(quarantined, forKey: .quarantined)
        try container.encode(revoked, forKey: .revoked)
    }
}
