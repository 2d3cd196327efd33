import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every terminal's sync progress, and what needs an operator.",
        discussion: """
            ACKED is the highest sequence stored; BACKLOG what the terminal reported still holding; SKEW its clock minus the hub's; \
            PRICES the price-list version it runs, marked "stale" when the hub's current list has been out for more than 5 minutes \
            and the terminal still runs another.

            Examples:
              omnisync-hub status
              omnisync-hub status --json
            """
    )

    @OptionGroup var hub: HubOptions
    @Flag(help: "Print JSON: { terminals: [...], quarantined, quarantinedOrders, conflicts, overdraftsPendingReview, offerDoubleUsesPendingReview, insightFittedAt, erasurePurgePending, priceList }.")
    var json = false

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
                    headers: ["TERMINAL", "STORE", "LAST CONTACT", "ACKED", "BACKLOG", "SKEW", "QUARANTINED", "PRICES", "STATE"],
                    rows: report.terminals.map { terminal in
                        [
                            terminal.terminal.rawValue,
                            terminal.store.rawValue,
                            terminal.lastContact.map { Output.age(now.timeIntervalSince($0)) + " ago" } ?? "never",
                            String(terminal.acknowledgedSeq),
                            String(terminal.reportedBacklog),
                            terminal.clockSkewSeconds.map(Self.skew) ?? "-",
                            String(terminal.quarantined),
                            Self.prices(terminal),
                            terminal.revoked ? "revoked" : "active",
                        ]
                    }
                )
            }
            print("quarantined entries: \(report.quarantined)   quarantined orders: \(report.quarantinedOrders)   conflicts: \(report.conflicts)   overdrafts to review: \(report.overdraftsPendingReview)   offers used twice to review: \(report.offerDoubleUsesPendingReview)")
            if report.priceList.version > 0 {
                let imported = report.priceList.importedAt.map { " (imported \(Output.age(Date().timeIntervalSince($0))) ago)" } ?? ""
                print("price list: version \(report.priceList.version)\(imported)   terminals on a stale list: \(report.priceList.staleTerminals)")
            }
            if let fitted = report.insightFittedAt {
                let age = Date().timeIntervalSince(fitted)
                print("predictions: models fitted \(Output.age(age)) ago\(age > 2 * 86_400 ? " (serve refits daily: see the hub's log for why it did not)" : "")")
            }
            if report.erasurePurgePending {
                print("an erasure's old data may remain in the database's write-ahead log (readers blocked the checkpoint); the hub retries on its next write")
            }
        }
    }

    /// `v3`, `v2 stale`, `none` (asked before any list), `-` (never asked).
    static func prices(_ terminal: HubStatusReport.Terminal) -> String {
        guard let version = terminal.priceListVersion else { return "-" }
        let shown = version == 0 ? "none" : "v\(version)"
        return terminal.priceListStale ? shown + " stale" : shown
    }

    /// `+2.5s`, `-0.3s`; a skew that rounds to zero shows as `+0.0s`, never `-0.0s`.
    static func skew(_ seconds: Double) -> String {
        let tenths = (seconds * 10).rounded()
        return String(format: "%+.1fs", tenths == 0 ? 0 : tenths / 10)
    }
}
