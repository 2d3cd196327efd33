public import Logging
public import ServiceLifecycle

/// The daemon's sync loop, run by a `ServiceGroup`.
///
/// It syncs every `interval` while the hub answers and backs off exponentially
/// while it does not. On SIGTERM it lets the round in progress finish (each
/// request is bounded by the transport's time limits) and returns; waiting
/// between rounds is cut short at once.
public struct SyncLoopService: Service {
    private let agent: Agent
    private let interval: Duration
    private let backoff: Backoff
    private let transport: CurlHTTPClient.Options
    private let metrics: AgentMetrics
    private let logger: Logger

    public init(
        agent: Agent, interval: Duration, backoff: Backoff = Backoff(), transport: CurlHTTPClient.Options = .init(),
        metrics: AgentMetrics = AgentMetrics(), logger: Logger
    ) {
        self.agent = agent
        self.metrics = metrics
        self.interval = interval
        self.transport = transport
        self.backoff = backoff
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let wait: Duration
            let started = ContinuousClock.now
            do {
                let report = try await agent.sync(options: transport)
                metrics.recordRound(succeeded: true, pushed: report.pushed, pulled: report.pulled, duration: ContinuousClock.now - started)
                failures = 0
                wait = interval
                if report.pushed > 0 || report.pulled > 0 {
                    logger.info("sync round done", metadata: [
                        "pushed": "\(report.pushed)", "pulled": "\(report.pulled)", "acknowledgedSeq": "\(report.acknowledgedSeq)",
                    ])
                }
            } catch {
                metrics.recordRound(succeeded: false, duration: ContinuousClock.now - started)
                failures += 1
                wait = backoff.delay(afterFailures: failures, jitter: Double.random(in: 0...1))
                logger.warning("sync round failed", metadata: [
                    "error": "\(error.message)", "code": "\(error.code.rawValue)", "retryIn": "\(wait)",
                ])
            }
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: wait)
                }
            } catch {
                break
            }
        }
        logger.info("sync loop stopped")
    }
}
