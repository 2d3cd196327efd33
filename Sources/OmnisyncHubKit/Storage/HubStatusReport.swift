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
        /// The price-list version it last said it runs; nil when it never asked.
        public var priceListVersion: Int64?
        /// Since when the hub has seen it run that version.
        public var priceListSince: Date?
        /// It runs an older list than the hub's current one, published longer
        /// ago than a terminal in contact takes to pick it up (see
        /// ``HubStatusReport/assessPriceLists(at:grace:)``).
        public var priceListStale = false

        public init(
            terminal: TerminalID, store: StoreID, lastContact: Date?, acknowledgedSeq: Int64, reportedBacklog: Int64,
            clockSkewSeconds: Double?, quarantined: Int, revoked: Bool, priceListVersion: Int64? = nil, priceListSince: Date? = nil
        ) {
            self.terminal = terminal
            self.store = store
            self.lastContact = lastContact
            self.acknowledgedSeq = acknowledgedSeq
            self.reportedBacklog = reportedBacklog
            self.clockSkewSeconds = clockSkewSeconds
            self.quarantined = quarantined
            self.revoked = revoked
            self.priceListVersion = priceListVersion
            self.priceListSince = priceListSince
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
    /// Offers used beyond their grant (two stores, or a store and the web
    /// shop, honouring a single-use offer) waiting for head office's review.
    public var offerDoubleUsesPendingReview: Int = 0
    /// When the predictive models were last fitted (docs/insight.md); nil
    /// before the first refit. `serve` refits daily: an older time means the
    /// refit keeps failing (the hub's log says why).
    public var insightFittedAt: Date?
    /// True while an erased customer's old data may remain in the database's
    /// write-ahead log because readers kept a checkpoint from completing; the
    /// hub retries on its next write.
    public var erasurePurgePending: Bool = false
    /// The hub's current price list: its version (0 before any import) and
    /// when it was imported.
    public var priceList = PriceListState(version: 0, importedAt: nil)

    /// The price list as `status` reports it.
    public struct PriceListState: Sendable, Hashable, Encodable {
        public var version: Int64
        public var importedAt: Date?
        /// Terminals marked ``Terminal/priceListStale``.
        public var staleTerminals = 0

        public init(version: Int64, importedAt: Date?) {
            self.version = version
            self.importedAt = importedAt
        }

        enum CodingKeys: String, CodingKey { case version, importedAt, staleTerminals }

        /// Every key is written, absent values as null.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(importedAt, forKey: .importedAt)
            try container.encode(staleTerminals, forKey: .staleTerminals)
        }
    }

    /// How long a terminal may run the previous list after an import before
    /// it counts as stale: one syncing every 15 s picks a list up within a
    /// round, so five minutes means it is not getting it.
    public static let priceListGrace: TimeInterval = 300

    /// Marks the terminals that run another list than the current one, which
    /// was imported more than `grace` before `now` (revoked terminals are
    /// left alone: they will never sync again).
    public mutating func assessPriceLists(at now: Date, grace: TimeInterval = priceListGrace) {
        let overdue = priceList.version > 0 && priceList.importedAt.map { now.timeIntervalSince($0) > grace } ?? false
        for index in terminals.indices {
            let terminal = terminals[index]
            terminals[index].priceListStale = overdue && !terminal.revoked && terminal.priceListVersion != priceList.version
        }
        priceList.staleTerminals = terminals.filter(\.priceListStale).count
    }
}

extension HubStatusReport.Terminal: Encodable {
    enum CodingKeys: String, CodingKey {
        case terminal, store, lastContact, acknowledgedSeq, reportedBacklog, clockSkewSeconds, quarantined, revoked
        case priceListVersion, priceListSince, priceListStale
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
        try container.encode(priceListVersion, forKey: .priceListVersion)
        try container.encode(priceListSince, forKey: .priceListSince)
        try container.encode(priceListStale, forKey: .priceListStale)
    }
}
