import Foundation
import OmnisyncCore
import OmnisyncHubKit
import Testing

/// The one-word state the dashboard and the `omnisync_hub_terminals` metric show.
@Suite struct TerminalHealthTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func terminal(contact: TimeInterval?, backlog: Int64 = 0, skew: Double? = 0, revoked: Bool = false) -> HubStatusReport.Terminal {
        HubStatusReport.Terminal(
            terminal: TerminalID(rawValue: "T-1")!, store: StoreID(rawValue: "S-1")!,
            lastContact: contact.map { now.addingTimeInterval(-$0) }, acknowledgedSeq: 10, reportedBacklog: backlog,
            clockSkewSeconds: skew, quarantined: 0, revoked: revoked
        )
    }

    @Test func statesAtTheirEdges() {
        #expect(TerminalHealth.of(terminal(contact: 10), at: now) == .inSync)
        #expect(TerminalHealth.of(terminal(contact: 10, backlog: 1), at: now) == .behind)
        #expect(TerminalHealth.of(terminal(contact: 300), at: now) == .inSync, "exactly the limit is not yet offline")
        #expect(TerminalHealth.of(terminal(contact: 300.5), at: now) == .offline)
        #expect(TerminalHealth.of(terminal(contact: 10, skew: 60), at: now) == .inSync, "exactly the limit is not yet skewed")
        #expect(TerminalHealth.of(terminal(contact: 10, skew: -60.5), at: now) == .clockSkewed)
        #expect(TerminalHealth.of(terminal(contact: nil), at: now) == .neverSeen)
    }

    @Test func theMoreUrgentStateWins() {
        #expect(TerminalHealth.of(terminal(contact: nil, revoked: true), at: now) == .revoked)
        #expect(TerminalHealth.of(terminal(contact: 3600, backlog: 50, skew: 500), at: now) == .offline, "silence hides the rest")
        #expect(TerminalHealth.of(terminal(contact: 10, backlog: 50, skew: 500), at: now) == .clockSkewed)
    }

    @Test func thresholdsAreTheOperators() {
        let strict = TerminalHealth.Thresholds(offlineAfter: 30, skewAbove: 5)
        #expect(TerminalHealth.of(terminal(contact: 31), at: now, thresholds: strict) == .offline)
        #expect(TerminalHealth.of(terminal(contact: 10, skew: 6), at: now, thresholds: strict) == .clockSkewed)
    }
}
