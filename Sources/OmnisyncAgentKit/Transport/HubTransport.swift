public import Foundation
public import OmnisyncCore

/// The agent's side of the sync protocol (see `docs/protocol.md`).
///
/// The seam between the sync engine and the network: the engine decides what
/// to send and what an answer means; a transport only moves documents.
public protocol HubTransport: Sendable {
    /// Makes a push body (see ``PushRequest/body(terminal:backlog:encodedEntries:hashes:)``)
    /// ready to send (``HubClient`` compresses it). Separate from sending so
    /// the sync engine prepares the next batch while one is in flight.
    func payload(forPush body: Data) throws(TransportError) -> PushPayload

    /// Sends a prepared push.
    func push(_ payload: PushPayload) async throws(TransportError) -> PushResponse

    /// Fetches merged profiles changed after `cursor` (nil: from the start).
    func pull(cursor: String?, limit: Int) async throws(TransportError) -> PullResponse

    /// Asks the hub for the customer holding `card` (nil when it knows none);
    /// the customer then belongs to this terminal's store and comes with later pulls.
    func lookUp(card: CardNumber) async throws(TransportError) -> ProfileState?

    /// The price list's changes since `version` for this terminal's store; nil
    /// from a hub that has no price lists yet (an older hub).
    func priceChanges(since version: Int64) async throws(TransportError) -> PriceDelta.Received?
}

/// A push body as a transport sends it.
public struct PushPayload: Sendable {
    /// The bytes on the wire.
    public var data: Data
    /// The `Content-Encoding` of `data`, if any.
    public var contentEncoding: String?

    public init(data: Data, contentEncoding: String?) {
        self.data = data
        self.contentEncoding = contentEncoding
    }
}

extension HubTransport {
    /// Prepares and sends a push body.
    public func push(body: Data) async throws(TransportError) -> PushResponse {
        try await push(payload(forPush: body))
    }
}
