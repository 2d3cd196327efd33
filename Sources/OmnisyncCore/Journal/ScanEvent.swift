/// A loyalty card presented at a terminal: the visit is recorded, and an
/// unknown card enrols a new customer with an id minted offline.
public struct ScanEvent: Hashable, Sendable, Codable {
    public var customer: CustomerID
    /// The card presented; nil only once erased (see ``JournalEntry/redactingPersonalData()``).
    public var card: CardNumber?
    public var enrolled: Bool

    public init(customer: CustomerID, card: CardNumber?, enrolled: Bool) {
        self.customer = customer
        self.card = card
        self.enrolled = enrolled
    }

    enum CodingKeys: String, CodingKey {
        case customer, card, enrolled
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        customer = try container.decode(CustomerID.self, forKey: .customer)
        card = try container.decodeIfPresent(CardNumber.self, forKey: .card)
        enrolled = try container.decode(Bool.self, forKey: .enrolled)
    }
}
