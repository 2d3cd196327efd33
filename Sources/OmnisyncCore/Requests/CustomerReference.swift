/// How point-of-sale software names a customer: by id, by loyalty card, or both.
public struct CustomerReference: Hashable, Sendable {
    public var customer: CustomerID?
    public var card: CardNumber?

    public init(customer: CustomerID? = nil, card: CardNumber? = nil) {
        self.customer = customer
        self.card = card
    }

    /// True when neither an id nor a card was given (an anonymous sale).
    public var isAnonymous: Bool { customer == nil && card == nil }
}
