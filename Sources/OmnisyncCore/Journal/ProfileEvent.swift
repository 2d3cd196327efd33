/// A profile change as the journal records it.
///
/// Field values take the entry's hybrid logical clock timestamp. Each change
/// also says what its writer had seen: for a field, the timestamp of the value
/// it replaced (`observed`), which lets the hub tell a deliberate edit from a
/// concurrent one and log the value a concurrent edit overwrote; for a tag
/// removal, the additions it cancels (``TagRemoval``); for consent, the live
/// writes it supersedes (``ConsentWrite``).
public struct ProfileEvent: Hashable, Sendable {
    public var customer: CustomerID
    public var card: CardNumber?
    public var enrolled: Bool
    /// New values; `nil` clears the field.
    public var set: [ProfileField: String?]
    /// For fields in `set`: the timestamp of the value the writer saw (absent: none).
    public var observed: [ProfileField: HLCTimestamp]
    public var addTags: [Tag]
    public var removeTags: [TagRemoval]
    public var consent: [ConsentChannel: ConsentWrite]
    public var erase: Bool

    public init(
        customer: CustomerID,
        card: CardNumber? = nil,
        enrolled: Bool = false,
        set: [ProfileField: String?] = [:],
        observed: [ProfileField: HLCTimestamp] = [:],
        addTags: [Tag] = [],
        removeTags: [TagRemoval] = [],
        consent: [ConsentChannel: ConsentWrite] = [:],
        erase: Bool = false
    ) {
        self.customer = customer
        self.card = card
        self.enrolled = enrolled
        self.set = set
        self.observed = observed
        self.addTags = addTags.sorted()
        self.removeTags = removeTags.sorted { $0.tag < $1.tag }
        self.consent = consent
        self.erase = erase
    }
}

extension ProfileEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case customer, card, enrolled, set, observed, addTags, removeTags, consent, erase
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
        let observed = try container.decode([ProfileField: HLCTimestamp].self, forKey: .observed)
        if let stray = observed.keys.first(where: { set[$0] == nil }) {
            throw container.invalid(.observed, "names '\(stray.rawValue)', which the change does not set")
        }
        let addTags = try container.decode([Tag].self, forKey: .addTags)
        let removeTags = try container.decode([TagRemoval].self, forKey: .removeTags)
        if addTags.count + removeTags.count > InputBounds.maxTagsPerChange {
            throw container.invalid(.addTags, "a change may add and remove at most \(InputBounds.maxTagsPerChange) tags in all")
        }
        self.init(
            customer: try container.decode(CustomerID.self, forKey: .customer),
            card: try container.decodeIfPresent(CardNumber.self, forKey: .card),
            enrolled: try container.decode(Bool.self, forKey: .enrolled),
            set: set,
            observed: observed,
            addTags: addTags,
            removeTags: removeTags,
            consent: try container.decode([ConsentChannel: ConsentWrite].self, forKey: .consent),
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
        try container.encode(observed, forKey: .observed)
        try container.encode(addTags, forKey: .addTags)
        try container.encode(removeTags, forKey: .removeTags)
        try container.encode(consent, forKey: .consent)
        try container.encode(erase, forKey: .erase)
    }
}
