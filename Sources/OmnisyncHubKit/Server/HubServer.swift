public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
public import NIOSSL

/// Where and how the hub listens.
public struct HubServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests); the bound port is reported to `onListening`.
    public var port: Int
    /// TLS settings; nil serves plain HTTP (only behind a TLS-terminating proxy).
    public var tls: TLSConfiguration?
    /// Handshake and idle timeouts and the cap on open connections.
    public var limits: ConnectionLimits
    /// How often customers are scored (``ScoringStore/recompute(at:)``); nil: never while serving.
    public var recomputeInterval: Duration?

    public init(host: String, port: Int, tls: TLSConfiguration?, limits: ConnectionLimits = .init(), recomputeInterval: Duration? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.limits = limits
        self.recomputeInterval = recomputeInterval
    }
}

/// Assembles the hub: router, TLS and the Hummingbird application, which is a
/// `Service` that shuts down gracefully on SIGTERM and SIGINT.
public enum HubServer {
    /// Serves until SIGTERM or SIGINT, then finishes in-flight requests and returns.
    public static func run(
        store: any HubStore,
        adminToken: String,
        configuration: HubServerConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) async -> Void
    ) async throws {
        let app = try makeApplication(store: store, adminToken: adminToken, configuration: configuration, logger: logger, onListening: onListening)
        try await app.runService()
    }

    public static func makeApplication(
        store: any HubStore,
        adminToken: String,
        configuration: HubServerConfiguration,
        logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) throws(HubError) -> some ApplicationProtocol {
        // A hub that verifies client certificates also ties each to its terminal.
        let bindsClientCertificates = configuration.tls.map { $0.certificateVerification != .none } ?? false
        let router = HubRouter.make(store: store, adminToken: adminToken, bindsClientCertificates: bindsClientCertificates, metrics: HubMetrics())
        let limits = configuration.limits
        let open = OpenConnections()
        let http = HTTP1Channel.Configuration(idleTimeout: TimeAmount(limits.idleTimeout))
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            do {
                // Fails here, at start, on unreadable keys or certificates.
                _ = try NIOSSLContext(configuration: tls)
            } catch {
                throw HubError(.configuration, "cannot set up TLS: \(error)")
            }
            server = HTTPServerBuilder { responder in
                GuardedChannel(
                    base: try TLSChannel(HTTP1Channel(responder: responder, configuration: http), tlsConfiguration: tls),
                    limits: limits, open: open, usesTLS: true
                )
            }
        } else {
            server = HTTPServerBuilder { responder in
                GuardedChannel(base: HTTP1Channel(responder: responder, configuration: http), limits: limits, open: open, usesTLS: false)
            }
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "omnisync-hub"),
            services: configuration.recomputeInterval.map { [RecomputeService(store: store, interval: $0, logger: logger)] } ?? [],
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
    }
}
