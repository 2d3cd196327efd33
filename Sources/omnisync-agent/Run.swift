import ArgumentParser
import Foundation
import Logging
import OmnisyncAgentKit
import OmnisyncCLISupport

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the agent daemon: sync with the hub periodically and serve the local API to POS software.",
        discussion: """
            The local API (docs/pos-integration.md) listens on a Unix socket, DIR/agent.sock unless --socket says \
            otherwise, and with --listen also on loopback TCP. Concurrent callers' entries are committed in groups; \
            each is answered once durable. Once listening, prints `local API listening on ADDRESS` for each. \
            Stops gracefully on SIGTERM or SIGINT: requests in flight are answered, a sync round in progress finishes.

            Examples:
              omnisync-agent run --data-dir /var/lib/omnisync-agent
              omnisync-agent run --listen 127.0.0.1:7480
            """
    )

    @OptionGroup var agent: AgentOptions
    @OptionGroup var timeouts: TimeoutOptions
    @Option(help: ArgumentHelp("Seconds between sync rounds while the hub answers (default: 15).", valueName: "SECONDS"))
    var interval: Int?
    @Option(help: ArgumentHelp("Also serve the local API over HTTP on this loopback address (port 0: a free port).", valueName: "HOST:PORT"))
    var listen: String?
    @Option(help: ArgumentHelp("The local API's Unix socket (default: DIR/agent.sock).", valueName: "PATH"))
    var socket: String?
    @Flag(name: .customLong("no-socket"), help: "Do not serve the local API on a Unix socket.")
    var noSocket = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-agent") {
            let settings = try await agent.settings()
            // Flags, else environment, else the settings file, else the defaults.
            let interval = interval ?? settings.int("interval") ?? 15
            let listen = listen ?? settings.string("listen")
            let noSocket = noSocket || settings.bool("noSocket") == true
            let socket = socket ?? settings.string("socket")
            guard interval >= 1 else { throw SettingsError("--interval must be at least 1 second (flag or setting interval)") }
            if noSocket && socket != nil { throw SettingsError("--socket and --no-socket exclude each other (flags or settings socket, noSocket)") }
            var tcp: LocalAPIConfiguration.TCPAddress?
            if let listen {
                do {
                    tcp = try LocalAPIConfiguration.TCPAddress(parsing: listen)
                } catch {
                    throw SettingsError((error as? AgentError)?.message ?? "\(error)")
                }
            }
            let transport = try timeouts.transport(settings)
            LogSetup.bootstrap(defaultLevel: try LogSetup.level(setting: settings.string("logLevel")), environment: [:])
            let logger = Logger(label: "omnisync.agent")
            if let file = settings.file {
                logger.info("settings read", metadata: ["file": "\(file)"])
            }
            let opened = try agent.open(settings)
            let localAPI = LocalAPIConfiguration(socketPath: noSocket ? nil : (socket ?? opened.directory.socketPath), tcp: tcp)
            let status = try opened.status()
            logger.info("agent started", metadata: [
                "terminal": "\(status.terminal)", "hub": "\(status.hub)", "pending": "\(status.pending)",
            ])
            try await AgentDaemon.run(
                agent: opened, interval: .seconds(interval), transport: transport, localAPI: localAPI, logger: logger,
                onListening: { endpoint in Output.line("local API listening on \(endpoint)") }
            )
        }
    }
}
