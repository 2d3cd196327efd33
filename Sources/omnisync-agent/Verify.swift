import ArgumentParser
import OmnisyncAgentKit
import OmnisyncCLISupport

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the journal and local store: SQLite integrity, gapless sequences, every entry readable.",
        discussion: """
            Exits 1 when a problem is found, listing each on standard output.

            Examples:
              omnisync-agent verify
              omnisync-agent verify --json
            """
    )

    @OptionGroup var agent: AgentOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-agent") {
            let directory = try await agent.directory()
            let report = try Agent.open(directory).verify()
            if json {
                try Output.json(report)
            } else if report.isSound {
                print("ok: \(report.entries) entries and \(report.profiles) profiles checked, no problem found")
            } else {
                report.problems.forEach { print($0) }
            }
            if !report.isSound {
                throw AgentError(.corrupt, "\(report.problems.count) problem(s) found in \(directory.path)")
            }
        }
    }
}
