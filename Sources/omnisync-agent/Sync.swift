import ArgumentParser
import OmnisyncAgentKit
import OmnisyncCLISupport

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one sync round now: push pending entries, pull profile changes.",
        discussion: """
            Shows progress on a terminal. Exits 3 when the hub cannot be reached, 1 on any other failure.

            Examples:
              omnisync-agent sync
              omnisync-agent sync --request-timeout 300 --json
            """
    )

    @OptionGroup var agent: AgentOptions
    @OptionGroup var timeouts: TimeoutOptions
    @Flag(help: "Print the round's report as JSON.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-agent", exitCode: agentExitCode) {
            let settings = try await agent.settings()
            let opened = try agent.open(settings)
            let transport = try timeouts.transport(settings)
            // One line while pushing, then one while pulling (plain lines when not on a terminal).
            let pushing = Progress("pushing", unit: "entries acknowledged")
            let pulling = Progress("pulling", unit: "profiles merged")
            defer {
                pushing.finish()
                pulling.finish()
            }
            let report = try await opened.sync(options: transport) { progress in
                switch progress {
                case .pushed(let acknowledged, let total):
                    pushing.update(done: Int64(acknowledged), total: Int64(total))
                case .pulled(let profiles):
                    pushing.finish()
                    pulling.update(done: Int64(profiles))
                }
            }
            pushing.finish()
            pulling.finish()
            if json {
                try Output.json(report)
            } else {
                var summary = "synced: \(report.pushed) entries pushed, \(report.pulled) profiles pulled, acknowledged seq \(report.acknowledgedSeq)"
                if report.quarantined > 0 { summary += " (\(report.quarantined) quarantined at the hub)" }
                if report.unreadable > 0 { summary += "; \(report.unreadable) profiles from the hub could not be read and were skipped (update this agent)" }
                if report.policyUnreadable { summary += "; the hub's loyalty policy could not be read, the previous one stays in force" }
                print(summary)
            }
        }
    }
}
