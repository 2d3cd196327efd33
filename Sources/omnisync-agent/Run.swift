import ArgumentParser
import Foundation
import Logging
import OmnisyncAgentKit
import OmnisyncCLISupport

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the agent daemon: sync with the hub periodically, backing off while it is unreachable.",
        discussion: "Stops gracefully on SIGTERM or SIGINT, letting a sync round in progress finish."
    )

    @OptionGroup var agent: AgentOptions
    @OptionGroup var timeouts: TimeoutOptions
    @Option(help: ArgumentHelp("Seconds between sync rounds while the hub answers.", valueName: "SECONDS"))
    var interval: Int = 15

    func validate() throws {
        guard interval >= 1 else { throw ValidationError("--interval must be at least 1 second") }
    }

    func run() async throws {
        LogSetup.bootstrap(defaultLevel: .info, environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "omnisync.agent")
        try await reportingFailures(program: "omnisync-agent") {
            let opened = try agent.open()
            let status = try opened.status()
            logger.info("agent started", metadata: [
                "terminal": "\(status.terminal)", "hub": "\(status.hub)", "pending": "\(status.pending)",
            ])
            try await AgentDaemon.run(agent: opened, interval: .seconds(interval), transport: timeouts.transport, logger: logger)
        }
    }
}
