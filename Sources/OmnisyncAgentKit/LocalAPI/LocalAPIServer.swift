import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle

/// The local API's listeners as services of the daemon's `ServiceGroup`: one
/// Hummingbird application per address (Unix socket, loopback TCP), all
/// sharing one router and one ``GroupRecorder``, so entries from every
/// listener commit in the same groups.
public enum LocalAPIServer {
    /// Where a listener ended up, for the daemon to announce.
    public enum Endpoint: Sendable, CustomStringConvertible {
        case socket(path: String)
        case tcp(host: String, port: Int)

        public var description: String {
            switch self {
            case .socket(let path): "unix:\(path)"
            case .tcp(let host, let port): "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            }
        }
    }

    /// The services that serve `configuration`; none when it names no address.
    public static func services(
        agent: Agent,
        configuration: LocalAPIConfiguration,
        metrics: AgentMetrics = AgentMetrics(),
        logger: Logger,
        onListening: @escaping @Sendable (Endpoint) async -> Void = { _ in }
    ) -> [any Service] {
        let responder = LocalAPIRouter.make(agent: agent, recorder: GroupRecorder(agent: agent), metrics: metrics).buildResponder()
        var services: [any Service] = []
        if let path = configuration.socketPath {
            services.append(Application(
                responder: responder,
                configuration: .init(address: .unixDomainSocket(path: path), serverName: "omnisync-agent"),
                onServerRunning: { _ in
                    // Owner and group: add POS software's user to the agent's group.
                    _ = chmod(path, 0o660)
                    await onListening(.socket(path: path))
                },
                logger: logger
            ))
        }
        if let tcp = configuration.tcp {
            services.append(Application(
                responder: responder,
                configuration: .init(address: .hostname(tcp.host, port: tcp.port), serverName: "omnisync-agent"),
                onServerRunning: { channel in
                    await onListening(.tcp(host: tcp.host, port: channel.localAddress?.port ?? tcp.port))
                },
                logger: logger
            ))
        }
        return services
    }
}
