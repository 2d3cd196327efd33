/// Why a request to the hub failed, classified for the person reading `status`.
public enum TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer: connection refused, DNS, timeout, connection cut.
    case unreachable(String)
    /// A TLS connection to a hub whose certificate does not chain to the pinned CA
    /// (or is for another host name).
    case untrustedCertificate(String)
    /// The TLS handshake failed for another reason (often a certificate
    /// signed by a CA other than the pinned one, or not a TLS server).
    case tlsHandshakeFailed(String)
    /// The hub refused this terminal's client certificate (mutual TLS): none
    /// was presented, or it is expired, revoked or from another CA.
    case clientCertificateRefused(String)
    /// This terminal's own client certificate or key cannot be loaded.
    case clientCertificateUnusable(String)
    /// The hub URL is not `https://` (a data dir set up by an older agent):
    /// the agent does not send the token or personal data in clear text.
    case clearTextRefused(String)
    /// The hub answered with an error status and its JSON error body.
    case rejected(status: Int, code: String, message: String)
    /// The hub answered something this agent cannot read.
    case invalidResponse(String)

    public var description: String {
        switch self {
        case .unreachable(let detail): "hub unreachable: \(detail)"
        case .untrustedCertificate(let detail): "hub certificate not trusted: \(detail)"
        case .tlsHandshakeFailed(let detail): "TLS handshake with the hub failed (is its certificate signed by the pinned CA?): \(detail)"
        case .clientCertificateRefused(let detail):
            "hub refused this terminal's client certificate (none installed, expired, or not from the CA the hub trusts; install one with `omnisync-agent init --client-cert/--client-key`): \(detail)"
        case .clientCertificateUnusable(let detail):
            "this terminal's client certificate cannot be used (client-cert.pem / client-key.pem in the data dir; reinstall with `omnisync-agent init --client-cert/--client-key`): \(detail)"
        case .clearTextRefused(let detail):
            "the hub URL is not https:// and this agent sends nothing in clear text; re-run `omnisync-agent init --hub https://...` (pending entries are kept): \(detail)"
        case .rejected(let status, let code, let message): "hub refused the request (HTTP \(status) \(code)): \(message)"
        case .invalidResponse(let detail): "unexpected answer from the hub: \(detail)"
        }
    }
}
