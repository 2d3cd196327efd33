public import Logging
import ServiceLifecycle
import UnixSignals

/// `omnisync-agent run`: the agent's services in one `ServiceGroup`.
public enum AgentDaemon {
    /// Runs until SIGTERM or SIGINT, then shuts the services down gracefully.
    public static func run(agent: Agent, interval: Duration, transport: CurlHTTPClient.Options = .init(), logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(
            services: [SyncLoopService(agent: agent, interval: interval, transport: transport, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
    }
}
