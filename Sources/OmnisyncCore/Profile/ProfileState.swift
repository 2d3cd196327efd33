/// The replicated state of one customer profile: a join-semilattice.
///
/// Every replica (each terminal's local view and the hub) holds a copy and
/// combines copies with ``merge(_:)``, which is commutative, associative and
/// idempotent, so replicas that have seen the same changes hold the same state
/// whatever order the changes arrived in. Field by field:
///
/// - scalar fields: last writer wins by hybrid logical clock (``LWWRegister``);
/// - tags: add-wins observed-remove set (``TagSet``);
/// - points: per-replica grow-only counters (``PointsLedger``);
/// - consent: last writer wins per channel;
/// - cards: grow-only set;
/// - erasure: absorbing: once erased, a profile is empty on every replica,
///   whatever stale edits arrive later.
public struct ProfileState: Hashable, Sendable {
    public let id: CustomerID
    public private(set) var cards: Set<CardNumber>
    public private(set) var fields: [ProfileField: LWWRegister<String>]
    public private(set) var tags: TagSet
    public private(set) var points: PointsLedger
    public private(set) var consent: [ConsentChannel: LWWRegister<ConsentValue>]
    /// When the profile was erased; non-nil means erased for good.
    public private(set) var erasure: HLCTimestamp?

    /// An empty profile: the bottom of the lattice for `id`.
    public init(id: CustomerID) {
        self.id = id
        cards = []
        fields = [:]
        tags = TagSet()
        points = PointsLedger()
        consent = [:]
        erasure = nil
    }

    public var isErased: Bool { erasure != nil }

    /// The current value of a scalar field.
    public func value(of field: ProfileField) -> String? {
        fields[field]?.value
    }

    /// Combines another replica's copy of the same profile into this one.
    public mutating func merge(_ other: ProfileState) {
        precondition(other.id == id, "merging profiles of different customers")
        if let otherErasure = other.erasure {
            erasure = max(erasure ?? otherErasure, otherErasure)
        }
        if erasure != nil {
            clearContent()
            return
        }
        cards.formUnion(other.cards)
        for (field, register) in other.fields {
            if fields[field] == nil { fields[field] = register } else { fields[field]!.merge(register) }
        }
        tags.merge(other.tags)
        points.merge(other.points)
        for (channel, register) in other.consent {
            if consent[channel] == nil { consent[channel] = register } else { consent[channel]!.merge(register) }
        }
    }

    /// Sets a scalar field as of `stamp` (last writer wins).
    public mutating func write(_ field: ProfileField, _ value: String?, at stamp: HLCTimestamp) {
        guard erasure == nil else { return }
        let register = LWWRegister(value: value, stamp: stamp)
        if fields[field] == nil { fields[field] = register } else { fields[field]!.merge(register) }
    }

    /// Sets consent on `channel` as of `stamp`.
    public mutating func write(_ channel: ConsentChannel, _ value: ConsentValue, at stamp: HLCTimestamp) {
        guard erasure == nil else { return }
        let register = LWWRegister(value: value, stamp: stamp)
        if consent[channel] == nil { consent[channel] = register } else { consent[channel]!.merge(register) }
    }

    public mutating func addCard(_ card: CardNumber) {
        guard erasure == nil else { return }
        cards.insert(card)
    }

    public mutating func updatePoints(_ update: (inout PointsLedger) -> Void) {
        guard erasure == nil else { return }
        update(&points)
    }

    public mutating func updateTags(_ update: (inout TagSet) -> Void) {
        guard erasure == nil else { return }
        update(&tags)
    }

    /// Erases the profile: every personal datum goes, and the erasure absorbs
    /// anything merged or applied later.
    public mutating func erase(at stamp: HLCTimestamp) {
        erasure = max(erasure ?? stamp, stamp)
        clearContent()
    }

    private mutating func clearContent() {
        cards = []
        fields = [:]
        tags = TagSet()
        points = PointsLedger()
        consent = [:]
    }
}

extension ProfileState: Codable {
    enum CodingKeys: String, CodingKey {
        case id, cards, fields, tags, points, consent, erasure
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(CustomerID.self, forKey: .id)
        cards = Set(try container.decode([CardNumber].self, forKey: .cards))
        fields = try container.decode([ProfileField: LWWRegister<String>].self, forKey: .fields)
        tags = try container.decode(TagSet.self, forKey: .tags)
        points = try container.decode(PointsLedger.self, forKey: .points)
        consent = try container.decode([ConsentChannel: LWWRegister<ConsentValue>].self, forKey: .consent)
        erasure = try container.decodeIfPresent(HLCTimestamp.self, forKey: .erasure)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(cards.sorted(), forKey: .cards)
        try container.encode(fields, forKey: .fields)
        try container.encode(tags, forKey: .tags)
        try container.encode(points, forKey: .points)
        try container.encode(consent, forKey: .consent)
        try container.encodeIfPresent(erasure, forKey: .erasure)
    }
}
