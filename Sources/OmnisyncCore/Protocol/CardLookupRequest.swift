/// A terminal's question "who holds this card?" (`POST /v1/customers/lookup`).
///
/// The card travels in the body, not in the URL: URLs end up in the access
/// logs of every proxy and load balancer in front of the hub, and card numbers
/// are personal data that must never be logged unmasked.
public struct CardLookupRequest: Hashable, Sendable, Codable {
    public var card: CardNumber

    public init(card: CardNumber) {
        self.card = card
    }
}
