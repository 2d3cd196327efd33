/// Where the daemon's local API listens.
///
/// The Unix socket is the default: its file permissions decide who may
/// record sales, and in the data dir (owner-only) that is the agent's own
/// user. TCP is for POS software that cannot speak to a socket; it binds
/// only to loopback, because every local process that can connect may record
/// sales and read customers (see `docs/pos-integration.md`).
public struct LocalAPIConfiguration: Sendable, Hashable {
    /// Path of the Unix socket; nil for none.
    public var socketPath: String?
    /// Loopback host and port for HTTP over TCP; nil for none, port 0 for a free port.
    public var tcp: TCPAddress?

    public struct TCPAddress: Sendable, Hashable {
        public var host: String
        public var port: Int

        /// Parses `HOST:PORT` (`[::1]:PORT` for IPv6), refusing anything that is
        /// not a loopback address.
        public init(parsing text: String) throws(AgentError) {
            let host: Substring
            let portText: Substring
            if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") {
                host = text[text.index(after: text.startIndex)..<close]
                portText = text[text.index(close, offsetBy: 2)...]
            } else if let colon = text.lastIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                throw AgentError(.invalidInput, "--listen takes HOST:PORT, e.g. 127.0.0.1:7480 (got '\(text)')")
            }
            guard let port = Int(portText), (0...65535).contains(port) else {
                throw AgentError(.invalidInput, "--listen: port must be a number from 0 to 65535 (got '\(portText)')")
            }
            guard Self.isLoopback(host) else {
                throw AgentError(
                    .invalidInput,
                    "--listen: the local API serves customer data without a token, so it listens only on loopback (127.0.0.1, ::1 or localhost), not '\(host)'"
                )
            }
            self.host = String(host)
            self.port = port
        }

        static func isLoopback(_ host: Substring) -> Bool {
            if host == "localhost" || host == "::1" { return true }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
            return octets.count == 4 && octets.allSatisfy { $0 != nil } && octets[0] == 127
        }
    }

    public init(socketPath: String?, tcp: TCPAddress?) {
        self.socketPath = socketPath
        self.tcp = tcp
    }
}
