public import Foundation
public import OmnisyncCore

/// The agent's side of the sync protocol (see `docs/protocol.md`).
///
/// The seam between the sync engine and the network: the engine decides what
/// to send and what an answer means; a transport only moves documents.
public protocol HubTransport: Sendable {
    /// Sends a push body (see ``PushRequest/body(terminal:backlog:encodedEntries:hashes:)``).
    func push(body: Data) async throws(TransportError) -> PushResponse

    /// Fetches merged profiles changed after `cursor` (nil: from the start).
    func pull(cursor: String?, limit: Int) async throws(TransportError) -> PullResponse

    /// Asks the hub for the customer holding `card` (nil when it knows none);
    /// the customer then belongs to this terminal's store and comes with later pulls.
    func lookUp(card: CardNumber) async throws(TransportError) -> ProfileState?
}
