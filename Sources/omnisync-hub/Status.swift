import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every terminal's sync progress, and what needs an operator.",
        discussion: """
            ACKED is the highest sequence stored; BACKLOG what the terminal reported still holding; SKEW its clock minus the hub's.

            Examples:
              omnisync-hub status
              omnisync-hub status --json
            """
    )

    @OptionGroup var hub: HubOptions
    @Flag(help: "Print JSON: { terminals: [...], quarantined, quarantinedOrders, conflicts, overdraftsPendingReview, erasurePurgePending }.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-hub") {
            let report = try await hub.openStore().status()
            if json {
                try Output.json(report)
                return
            }
            if report.terminals.isEmpty {
                print("no terminals registered")
            } else {
                let now = Date()
                Output.table(
                    headers: ["TERMINAL", "STORE", "LAST CONTACT", "ACKED", "BACKLOG", "SKEW", "QUARANTINED", "STATE"],
                    rows: report.terminals.map { terminal in
                        [
                            terminal.terminal.rawValue,
                            terminal.store.rawValue,
                            terminal.lastContact.map { Output.age(now.timeIntervalSince($0)) + " ago" } ?? "never",
                            String(terminal.acknowledgedSeq),
                            String(terminal.reportedBacklog),
                            terminal.clockSkewSeconds.map(Self.skew) ?? "-",
                            String(terminal.quarantined),
                            terminal.revoked ? "revoked" : "active",
                        ]
                    }
                )
            }
            print("quarantined entries: \(report.quarantined)   quarantined orders: \(report.quarantinedOrders)   conflicts: \(report.conflicts)   overdrafts to review: \(report.overdraftsPendingReview)")
            if report.erasurePurgePending {
                print("an erasure's old data may remain in the database's write-ahead log (readers blocked the checkpoint); the hub retries on its next write")
            }
        }
    }

    /// `+2.5s`, `-0.3s`; a skew that rounds to zero shows as `+0.0s`, never `-0.0s`.
    static func skew(_ seconds: Double) -> String {
        let tenths = (seconds * 10).rounded()
        return String(format: "%+.1fs", tenths == 0 ? 0 : tenths / 10)
    }
}
