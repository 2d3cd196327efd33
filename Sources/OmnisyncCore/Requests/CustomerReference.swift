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

extension KeyedDecodingContainer {
    /// Decodes the optional `customer` and `card` fields every request may carry.
    func decodeReference(customer customerKey: Key, card cardKey: Key) throws -> CustomerReference {
        CustomerReference(
            customer: try decodeIfPresent(CustomerID.self, forKey: customerKey),
            card: try decodeIfPresent(CardNumber.self, forKey: cardKey)
        )
    }
}
