public import Foundation

/// One word for how a terminal is doing, as the dashboard and the
/// `omnisync_hub_terminals` metric show it.
///
/// The order of the checks is the order of urgency: a revoked terminal is
/// only revoked; one that never called is not yet "offline"; silence hides
/// whether it is behind, so offline comes before behind; a skewed clock is
/// worth knowing even when the terminal keeps up.
public enum TerminalHealth: String, Sendable, Hashable, CaseIterable, Encodable {
    /// Talked to the hub recently and reported nothing left to push.
    case inSync = "in_sync"
    /// Talked recently but still held entries after its last push.
    case behind
    /// Silent for longer than ``Thresholds/offlineAfter``.
    case offline
    /// Its clock differs from the hub's by more than ``Thresholds/skewAbove``.
    case clockSkewed = "clock_skewed"
    /// Head office revoked it; its token is refused.
    case revoked
    /// Registered but never contacted the hub.
    case neverSeen = "never_seen"

    /// When silence and clock differences start to count.
    public struct Thresholds: Sendable, Hashable {
        /// A terminal syncing every 15 s that is silent this long has missed
        /// 20 rounds: more than a blip.
        public var offlineAfter: TimeInterval
        /// Well under the hub's clock tolerance (300 s by default), so the
        /// terminal is looked at before its stamps get clamped.
        public var skewAbove: TimeInterval

        public init(offlineAfter: TimeInterval = 300, skewAbove: TimeInterval = 60) {
            self.offlineAfter = offlineAfter
            self.skewAbove = skewAbove
        }
    }

    /// The state of `terminal` at `now`.
    public static func of(_ terminal: HubStatusReport.Terminal, at now: Date, thresholds: Thresholds = .init()) -> TerminalHealth {
        if terminal.revoked { return .revoked }
        guard let lastContact = terminal.lastContact else { return .neverSeen }
        if now.timeIntervalSince(lastContact) > thresholds.offlineAfter { return .offline }
        if let skew = terminal.clockSkewSeconds, abs(skew) > thresholds.skewAbove { return .clockSkewed }
        if terminal.reportedBacklog > 0 { return .behind }
        return .inSync
    }

    /// Words for people (the dashboard); the raw value is for machines.
    public var label: String {
        switch self {
        case .inSync: "in sync"
        case .behind: "behind"
        case .offline: "offline"
        case .clockSkewed: "clock skewed"
        case .revoked: "revoked"
        case .neverSeen: "never seen"
        }
    }
}
