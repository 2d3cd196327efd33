public import Logging
import ServiceLifecycle
import UnixSignals

/// `omnisync-agent run`: the agent's services in one `ServiceGroup`: the sync
/// loop and the local API's listeners.
public enum AgentDaemon {
    /// Runs until SIGTERM or SIGINT, then shuts the services down gracefully:
    /// the local API stops accepting, answers the requests it holds (each
    /// once durable), and a sync round in progress finishes.
    public static func run(
        agent: Agent,
        interval: Duration,
        transport: CurlHTTPClient.Options = .init(),
        localAPI: LocalAPIConfiguration = .init(socketPath: nil, tcp: nil),
        logger: Logger,
        onListening: @escaping @Sendable (LocalAPIServer.Endpoint) async -> Void = { _ in }
    ) async throws {
        let metrics = AgentMetrics()
        let sync = SyncLoopService(agent: agent, interval: interval, transport: transport, metrics: metrics, logger: logger)
        let listeners = LocalAPIServer.services(agent: agent, configuration: localAPI, metrics: metrics, logger: logger, onListening: onListening)
        let group = ServiceGroup(configuration: .init(
            services: [sync as any Service] + listeners,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
    }
}
