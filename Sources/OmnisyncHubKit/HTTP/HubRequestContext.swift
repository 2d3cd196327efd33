public import Hummingbird

/// The per-request context of the hub's routes: Hummingbird's core storage
/// plus the terminal a request authenticated as.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``TerminalAuthenticator`` for terminal routes.
    public var terminal: TerminalRecord?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        terminal = nil
    }

    /// Large enough for a batch of 500 entries with room to spare; larger
    /// bodies get a 413 with a JSON error.
    public var maxUploadSize: Int { 16 << 20 }

    /// The terminal ``TerminalAuthenticator`` admitted; routes behind it call this.
    func authenticatedTerminal() throws(HubError) -> TerminalRecord {
        guard let terminal else { throw HubError(.unauthorized, "missing terminal token: send Authorization: Bearer TOKEN") }
        return terminal
    }
}
