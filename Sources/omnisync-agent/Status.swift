import ArgumentParser
import Foundation
import OmnisyncAgentKit
import OmnisyncCLISupport
import OmnisyncCore

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show whether this terminal keeps up with the hub: pending entries, last sync, last error.",
        discussion: """
            Examples:
              omnisync-agent status
              omnisync-agent status --json
            """
    )

    @OptionGroup var agent: AgentOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-agent") {
            let now = Date()
            let status = try await agent.open().status(now: now)
            if json {
                try Output.json(status)
                return
            }
            let connection: String
            if status.lastAttempt == nil {
                connection = "not synced yet"
            } else if status.online {
                connection = "online"
            } else if let since = status.unreachableSince {
                connection = "offline since \(Output.moment(since, now: now))"
            } else {
                connection = "sync failing"
            }
            var lines: [(String, String)] = [
                ("terminal", "\(status.terminal) (store \(status.store))"),
                ("hub", status.hub),
                ("connection", connection),
                ("last sync", Output.moment(status.lastSync, now: now)),
            ]
            if let error = status.lastError { lines.append(("last error", error)) }
            let pending = status.oldestPendingAge.map { "\(status.pending) entries, oldest \(Output.age($0)) old" } ?? "none"
            lines.append(("pending", pending))
            lines.append(("acknowledged", "seq \(status.acknowledgedSeq) of \(status.lastSeq)"))
            lines.append(("pull cursor", status.pullCursor ?? "-"))
            lines.append(("profiles", "\(status.profiles) known locally"))
            lines.append(("price list", status.priceListVersion == 0 ? "none yet"
                : "version \(status.priceListVersion) (\(status.priceListEntries) rows), updated \(Output.moment(status.priceListUpdatedAt, now: now))"))
            if let offset = status.hubClockOffsetSeconds, abs(offset) >= 1 {
                lines.append(("clock", String(format: "%+.1fs behind the hub (entries are stamped with the hub's time)", offset)))
            }
            let policy = status.policy
            lines.append(("redemption", "balance + \(policy.offlineRedemptionAllowance) points allowed, within \(Output.age(Double(policy.maxRedemptionStaleness))) of a sync"))
            Output.fields(lines)
        }
    }
}
