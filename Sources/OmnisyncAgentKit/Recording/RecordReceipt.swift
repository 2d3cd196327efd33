public import OmnisyncCore

/// What `record` answers once an entry is durable.
public struct RecordReceipt: Sendable, Hashable, Encodable {
    public var id: EntryID
    public var seq: Int64
    /// The customer the entry is about; nil for an anonymous sale.
    public var customer: CustomerID?
    /// True when this entry enrolled a new customer for an unknown card.
    public var enrolled: Bool
    /// A sale's lines charged at another price than this terminal's list
    /// gives: recorded as charged, and reported to head office.
    public var priceOverrides: [PriceOverride] = []

    enum CodingKeys: String, CodingKey {
        case id, seq, customer, enrolled, priceOverrides
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(seq, forKey: .seq)
        try container.encode(customer, forKey: .customer)
        try container.encode(enrolled, forKey: .enrolled)
        try container.encode(priceOverrides, forKey: .priceOverrides)
    }
}
