public import Foundation
public import OmnisyncCore

/// Registered terminals and their tokens.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
public protocol TerminalStore: Sendable {
    /// Registers a terminal with the hash of its token.
    func addTerminal(_ id: TerminalID, store: StoreID, tokenHash: String, at: Date) async throws(HubError) -> TerminalRecord

    /// Every registered terminal, revoked ones included, ordered by id.
    func terminals() async throws(HubError) -> [TerminalRecord]

    /// Refuses the terminal's token from now on. Its entries stay.
    func revokeTerminal(_ id: TerminalID, at: Date) async throws(HubError) -> TerminalRecord

    /// Replaces an active terminal's token: the old one is refused from now
    /// on, the terminal keeps its id, sequence and entries. Refused for a
    /// revoked terminal (revocation is final).
    func rotateToken(_ id: TerminalID, tokenHash: String) async throws(HubError) -> TerminalRecord

    /// The terminal whose token hashes to `tokenHash`, revoked or not.
    func terminal(tokenHash: String) async throws(HubError) -> TerminalRecord?
}
