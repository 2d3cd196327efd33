public import Hummingbird
import NIOCore
import NIOSSL

/// The per-request context of the hub's routes: Hummingbird's core storage
/// plus the terminal a request authenticated as.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``TerminalAuthenticator`` for terminal routes.
    public var terminal: TerminalRecord?
    /// Set by ``ChannelAuthenticator`` for channel routes.
    public var salesChannel: ChannelRecord?
    /// The connection, for the client certificate of mutual TLS.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        terminal = nil
        salesChannel = nil
        channel = source.channel
    }

    /// Large enough for a batch of 500 entries with room to spare; larger
    /// bodies get a 413 with a JSON error.
    public var maxUploadSize: Int { 16 << 20 }

    /// The terminal ``TerminalAuthenticator`` admitted; routes behind it call this.
    func authenticatedTerminal() throws(HubError) -> TerminalRecord {
        guard let terminal else { throw HubError(.unauthorized, "missing terminal token: send Authorization: Bearer TOKEN") }
        return terminal
    }

    /// The common name of the certificate the client presented in the TLS
    /// handshake; nil without TLS, without a client certificate, or without a
    /// common name.
    func clientCertificateName() async -> String? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get(),
            let der = try? certificate.toDERBytes()
        else { return nil }
        return DevelopmentCertificateAuthority.commonName(ofDER: der)
    }
}
