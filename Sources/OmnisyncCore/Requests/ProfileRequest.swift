/// A change to a customer's profile submitted at a terminal (`record profile`).
public struct ProfileRequest: Hashable, Sendable {
    public var reference: CustomerReference
    /// New values; `nil` clears the field.
    public var set: [ProfileField: String?]
    public var addTags: [Tag]
    public var removeTags: [Tag]
    public var consent: [ConsentChannel: ConsentValue]
    public var erase: Bool

    public init(
        reference: CustomerReference,
        set: [ProfileField: String?] = [:],
        addTags: [Tag] = [],
        removeTags: [Tag] = [],
        consent: [ConsentChannel: ConsentValue] = [:],
        erase: Bool = false
    ) {
        self.reference = reference
        self.set = set
        self.addTags = addTags
        self.removeTags = removeTags
        self.consent = consent
        self.erase = erase
    }
}

extension ProfileRequest: Decodable {
    enum CodingKeys: String, CodingKey {
        case customer, card, set, addTags, removeTags, consent, erase
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let reference = try container.decodeReference(customer: .customer, card: .card)
        if reference.isAnonymous {
            throw container.invalid(.customer, "a profile change needs \"customer\" or \"card\"")
        }

        var set: [ProfileField: String?] = [:]
        if container.contains(.set) {
            let fields = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .set)
            for key in fields.allKeys {
                guard let field = ProfileField(rawValue: key.stringValue), ProfileField.editable.contains(field) else {
                    throw DecodingError.dataCorrupted(.init(
                        codingPath: fields.codingPath + [key],
                        debugDescription: "unknown field (settable: \(ProfileField.editable.map(\.rawValue).joined(separator: ", ")))"
                    ))
                }
                if try fields.decodeNil(forKey: key) {
                    set[field] = .some(nil)
                } else {
                    set[field] = try field.normalise(try fields.decode(String.self, forKey: key)).get()
                }
            }
        }
        let addTags = try container.decodeIfPresent([Tag].self, forKey: .addTags) ?? []
        let removeTags = try container.decodeIfPresent([Tag].self, forKey: .removeTags) ?? []
        if addTags.count + removeTags.count > InputBounds.maxTagsPerChange {
            throw container.invalid(.addTags, "a change may add and remove at most \(InputBounds.maxTagsPerChange) tags in all")
        }
        if let both = Set(addTags).intersection(removeTags).min() {
            throw container.invalid(.removeTags, "tag '\(both)' is both added and removed")
        }
        let consent = try container.decodeIfPresent([ConsentChannel: ConsentValue].self, forKey: .consent) ?? [:]
        let erase = try container.decodeIfPresent(Bool.self, forKey: .erase) ?? false
        if erase && (!set.isEmpty || !addTags.isEmpty || !removeTags.isEmpty || !consent.isEmpty) {
            throw container.invalid(.erase, "an erasure cannot be combined with other changes")
        }
        if !erase && set.isEmpty && addTags.isEmpty && removeTags.isEmpty && consent.isEmpty {
            throw container.invalid(.set, "nothing to change: give set, addTags, removeTags, consent or erase")
        }
        self.init(reference: reference, set: set, addTags: addTags, removeTags: removeTags, consent: consent, erase: erase)
    }
}
