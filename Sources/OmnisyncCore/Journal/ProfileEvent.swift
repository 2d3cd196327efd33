/// A profile change as the journal records it.
///
/// Field values take the entry's hybrid logical clock timestamp; tag removals
/// carry the additions they observed (see ``TagRemoval``).
public struct ProfileEvent: Hashable, Sendable, Codable {
    public var customer: CustomerID
    public var card: CardNumber?
    public var enrolled: Bool
    /// New values; `nil` clears the field.
    public var set: [ProfileField: String?]
    public var addTags: [Tag]
    public var removeTags: [TagRemoval]
    public var consent: [ConsentChannel: ConsentValue]
    public var erase: Bool

    public init(
        customer: CustomerID,
        card: CardNumber? = nil,
        enrolled: Bool = false,
        set: [ProfileField: String?] = [:],
        addTags: [Tag] = [],
        removeTags: [TagRemoval] = [],
        consent: [ConsentChannel: ConsentValue] = [:],
        erase: Bool = false
    ) {
        self.customer = customer
        self.card = card
        self.enrolled = enrolled
        self.set = set
        self.addTags = addTags.sorted()
        self.removeTags = removeTags.sorted { $0.tag < $1.tag }
        self.consent = consent
        self.erase = erase
    }

    enum CodingKeys: String, CodingKey {
        case customer, card, enrolled, set, addTags, removeTags, consent, erase
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let set = try container.decode([ProfileField: String?].self, forKey: .set)
        for (field, value) in set {
            if !ProfileField.editable.contains(field) {
                throw container.invalid(.set, "field '\(field.rawValue)' cannot be set at a terminal")
            }
            if let value, case .failure(let problem) = field.normalise(value) {
                throw container.invalid(.set, problem.description)
            }
        }
        self.init(
            customer: try container.decode(CustomerID.self, forKey: .customer),
            card: try container.decodeIfPresent(CardNumber.self, forKey: .card),
            enrolled: try container.decode(Bool.self, forKey: .enrolled),
            set: set,
            addTags: try container.decode([Tag].self, forKey: .addTags),
            removeTags: try container.decode([TagRemoval].self, forKey: .removeTags),
            consent: try container.decode([ConsentChannel: ConsentValue].self, forKey: .consent),
            erase: try container.decode(Bool.self, forKey: .erase)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(customer, forKey: .customer)
        try container.encodeIfPresent(card, forKey: .card)
        try container.encode(enrolled, forKey: .enrolled)
        // Encoded by hand so that a cleared field is written as an explicit null.
        var fields = container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .set)
        for (field, value) in set {
            if let value {
                try fields.encode(value, forKey: AnyCodingKey(field.rawValue))
            } else {
                try fields.encodeNil(forKey: AnyCodingKey(field.rawValue))
            }
        }
        try container.encode(addTags, forKey: .addTags)
        try container.encode(removeTags, forKey: .removeTags)
        try container.encode(consent, forKey: .consent)
        try container.encode(erase, forKey: .erase)
    }
}
