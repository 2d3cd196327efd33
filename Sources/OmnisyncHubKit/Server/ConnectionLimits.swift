/// How long and how many connections the hub holds open.
///
/// A terminal's sync round opens a connection, handshakes, pushes, pulls and
/// goes; nothing legitimate sits silent. Without limits, a thousand sockets
/// that never send a byte (a port scanner, a broken NAT, an attack) stay open
/// until the process runs out of file descriptors and every store stops
/// syncing. So: a TLS handshake must finish within ``tlsHandshakeTimeout``; a
/// connection with no request in progress is closed after ``idleTimeout``;
/// and past ``maxConnections`` new connections are closed as they arrive, so
/// the hub keeps serving the ones it has.
public struct ConnectionLimits: Sendable, Hashable {
    /// Open connections at most; more are closed on arrival.
    public var maxConnections: Int
    /// Seconds a client has to complete the TLS handshake.
    public var tlsHandshakeTimeout: Duration
    /// Seconds a connection may stay open without a request in progress.
    public var idleTimeout: Duration

    /// Defaults that keep silent connections under a minute and leave a busy
    /// chain room: 10 s to handshake, 30 s idle, 4,096 connections (or fewer
    /// when the process may open fewer files; see ``HubServer``).
    public init(maxConnections: Int = 4_096, tlsHandshakeTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(30)) {
        self.maxConnections = maxConnections
        self.tlsHandshakeTimeout = tlsHandshakeTimeout
        self.idleTimeout = idleTimeout
    }
}
