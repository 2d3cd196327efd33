public import Foundation
import OmnisyncCore

/// What the dashboard's first page shows: every store with its terminals and
/// their state, and the counts that need an operator. Built from
/// ``HubStatusReport`` alone, with no I/O, so it is tested by hand.
public struct TerminalBoard: Sendable {
    public struct Row: Sendable {
        public var terminal: String
        public var state: String
        public var stateLabel: String
        /// "3 min ago", "never".
        public var lastContact: String
        /// RFC 3339, for the title attribute and for "offline since".
        public var lastContactAt: String
        public var acknowledgedSeq: Int64
        public var backlog: Int64
        /// "+1.2 s", or "-" when unknown.
        public var skew: String
        public var quarantined: Int
        /// "v3", "v2 (stale)", "none", "-" (never asked).
        public var priceList: String
        public var priceListStale: Bool
        public var needsAttention: Bool
    }

    public struct Store: Sendable {
        public var store: String
        public var terminals: [Row]
        /// "3 of 4 in sync".
        public var summary: String
    }

    public struct StateCount: Sendable {
        public var state: String
        public var label: String
        public var count: Int
    }

    public var stores: [Store]
    public var states: [StateCount]
    public var terminalCount: Int
    public var quarantined: Int
    public var quarantinedOrders: Int
    public var overdrafts: Int
    public var offerDoubleUses: Int
    public var conflicts: Int
    public var erasurePurgePending: Bool
    /// Terminals on a stale price list, and the current one ("version 3", "none yet").
    public var stalePriceLists: Int
    public var hasStalePriceLists: Bool
    public var priceListVersion: String

    public init(_ report: HubStatusReport, at now: Date, thresholds: TerminalHealth.Thresholds = .init()) {
        var report = report
        report.assessPriceLists(at: now)
        var byStore: [String: [Row]] = [:]
        var counts: [TerminalHealth: Int] = [:]
        for terminal in report.terminals {
            let health = TerminalHealth.of(terminal, at: now, thresholds: thresholds)
            counts[health, default: 0] += 1
            byStore[terminal.store.rawValue, default: []].append(Row(
                terminal: terminal.terminal.rawValue,
                state: health.rawValue,
                stateLabel: health == .offline ? "offline since \(Self.clock(terminal.lastContact))" : health.label,
                lastContact: terminal.lastContact.map { Self.age(now.timeIntervalSince($0)) } ?? "never",
                lastContactAt: terminal.lastContact.map(RFC3339.format) ?? "",
                acknowledgedSeq: terminal.acknowledgedSeq,
                backlog: terminal.reportedBacklog,
                skew: terminal.clockSkewSeconds.map { String(format: "%+.1f s", $0) } ?? "-",
                quarantined: terminal.quarantined,
                priceList: Self.priceList(terminal),
                priceListStale: terminal.priceListStale,
                needsAttention: (health != .inSync && health != .revoked) || terminal.priceListStale
            ))
        }
        stores = byStore.keys.sorted().map { store in
            let rows = byStore[store]!.sorted { $0.terminal < $1.terminal }
            let live = rows.filter { $0.state != TerminalHealth.revoked.rawValue }
            let inSync = live.filter { $0.state == TerminalHealth.inSync.rawValue }.count
            return Store(store: store, terminals: rows, summary: "\(inSync) of \(live.count) in sync")
        }
        states = TerminalHealth.allCases.map { StateCount(state: $0.rawValue, label: $0.label, count: counts[$0] ?? 0) }
        terminalCount = report.terminals.count
        quarantined = report.quarantined
        quarantinedOrders = report.quarantinedOrders
        overdrafts = report.overdraftsPendingReview
        offerDoubleUses = report.offerDoubleUsesPendingReview
        conflicts = report.conflicts
        erasurePurgePending = report.erasurePurgePending
        stalePriceLists = report.priceList.staleTerminals
        hasStalePriceLists = stalePriceLists > 0
        priceListVersion = report.priceList.version > 0 ? "current: version \(report.priceList.version)" : "none imported yet"
    }

    static func priceList(_ terminal: HubStatusReport.Terminal) -> String {
        guard let version = terminal.priceListVersion else { return "-" }
        let shown = version == 0 ? "none" : "v\(version)"
        return terminal.priceListStale ? "\(shown) (stale)" : shown
    }

    /// A duration in the largest unit that keeps it readable.
    static func age(_ seconds: TimeInterval) -> String {
        let seconds = max(0, seconds)
        switch seconds {
        case ..<60: return "\(Int(seconds)) s ago"
        case ..<3600: return "\(Int(seconds / 60)) min ago"
        case ..<172_800: return "\(Int(seconds / 3600)) h ago"
        default: return "\(Int(seconds / 86400)) days ago"
        }
    }

    /// A time as head office reads it: UTC, to the minute.
    static func clock(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}
