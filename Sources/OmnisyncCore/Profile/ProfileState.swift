public import Foundation

/// The replicated state of one customer profile: a join-semilattice.
///
/// Every replica (each terminal's local view and the hub) holds a copy and
/// combines copies with ``merge(_:)``, which is commutative, associative and
/// idempotent, so replicas that have seen the same changes hold the same state
/// whatever order the changes arrived in. Field by field:
///
/// - scalar fields: last writer wins by hybrid logical clock (``LWWRegister``);
/// - tags: add-wins observed-remove set (``TagSet``);
/// - points: grow-only counters per origin customer and per replica
///   (``PointsLedger``), so merging two customers adds their points;
/// - consent: last writer wins per channel, a concurrent opt-out beating an
///   opt-in (``ConsentRegister``);
/// - cards and merged-from ids: grow-only sets;
/// - campaign offers: written by the hub alone, last writer wins per
///   campaign; their uses: a grow-only set per campaign of the stamps of the
///   sales that used them, so two stores using a single-use offer offline
///   both count, and every replica ends up showing it used;
/// - the hub's predictions (``CustomerInsight``): written by the hub alone,
///   last writer wins;
/// - erasure: absorbing: once erased, a profile is empty on every replica,
///   whatever stale edits arrive later.
public struct ProfileState: Hashable, Sendable {
    public let id: CustomerID
    public internal(set) var cards: Set<CardNumber>
    public internal(set) var fields: [ProfileField: LWWRegister<String>]
    public internal(set) var tags: TagSet
    /// Points by the customer id they were recorded under (this one, or one
    /// merged into it), then by replica.
    public internal(set) var points: [CustomerID: PointsLedger]
    public internal(set) var consent: [ConsentChannel: ConsentRegister]
    /// Customers merged into this one by the hub; entries naming them apply here.
    public internal(set) var mergedFrom: Set<CustomerID>
    /// When the profile was erased; non-nil means erased for good.
    public internal(set) var erasure: HLCTimestamp?
    /// Offers the hub granted, by campaign (a nil value: withdrawn).
    public internal(set) var offers: [CampaignID: LWWRegister<OfferGrant>]
    /// The stamps of the sales that used each campaign's offer.
    public internal(set) var offerUses: [CampaignID: Set<HLCTimestamp>]
    /// The hub's latest predictions for the customer; nil until its first refit.
    public internal(set) var insight: LWWRegister<CustomerInsight>?

    /// An empty profile: the bottom of the lattice for `id`.
    public init(id: CustomerID) {
        self.id = id
        cards = []
        fields = [:]
        tags = TagSet()
        points = [:]
        consent = [:]
        mergedFrom = []
        erasure = nil
        offers = [:]
        offerUses = [:]
        insight = nil
    }

    public var isErased: Bool { erasure != nil }

    /// True when entries naming `customer` apply to this profile.
    public func answers(for customer: CustomerID) -> Bool {
        customer == id || mergedFrom.contains(customer)
    }

    /// The current value of a scalar field.
    public func value(of field: ProfileField) -> String? {
        fields[field]?.value
    }

    /// Net points earned (less those taken back by returns), over all origins.
    public var pointsEarned: Int64 { points.values.reduce(0) { $0 + $1.netEarned } }
    public var pointsRedeemed: Int64 { points.values.reduce(0) { $0 + $1.totalRedeemed } }
    /// What the customer can spend; negative after an offline over-redemption.
    public var pointsBalance: Int64 { pointsEarned - pointsRedeemed }

    /// Combines another replica's copy of the same profile into this one.
    public mutating func merge(_ other: ProfileState) {
        precondition(other.id == id, "merging profiles of different customers; use absorb(_:) for an identity merge")
        join(other)
    }

    /// Merges another customer into this one (the hub's identity merge, "other
    /// merged into self"): the result is the join of both profiles, answering
    /// for both ids, with their points added.
    public mutating func absorb(_ other: ProfileState) {
        precondition(other.id != id, "a customer cannot be merged into itself")
        join(other)
        mergedFrom.insert(other.id)
    }

    private mutating func join(_ other: ProfileState) {
        mergedFrom.formUnion(other.mergedFrom)
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
        points.merge(other.points) { mine, theirs in
            var merged = mine
            merged.merge(theirs)
            return merged
        }
        consent.merge(other.consent) { mine, theirs in
            var merged = mine
            merged.merge(theirs)
            return merged
        }
        offers.merge(other.offers) { mine, theirs in
            var merged = mine
            merged.merge(theirs)
            return merged
        }
        offerUses.merge(other.offerUses) { $0.union($1) }
        if let theirs = other.insight {
            if insight == nil { insight = theirs } else { insight!.merge(theirs) }
        }
    }

    /// Erases the profile: every personal datum goes, and the erasure absorbs
    /// anything merged or applied later.
    public mutating func erase(at stamp: HLCTimestamp) {
        erasure = max(erasure ?? stamp, stamp)
        clearContent()
    }

    /// Grants (or, with nil, withdraws) a campaign's offer, as the hub.
    public mutating func grant(_ grant: OfferGrant?, of campaign: CampaignID, at stamp: HLCTimestamp) {
        guard erasure == nil else { return }
        let register = LWWRegister(value: grant, stamp: stamp)
        if offers[campaign] == nil { offers[campaign] = register } else { offers[campaign]!.merge(register) }
    }

    /// Writes (or, with nil, clears) the hub's predictions for the customer.
    public mutating func writeInsight(_ value: CustomerInsight?, at stamp: HLCTimestamp) {
        guard erasure == nil else { return }
        let register = LWWRegister(value: value, stamp: stamp)
        if insight == nil { insight = register } else { insight!.merge(register) }
    }

    /// How many sales used `campaign`'s offer, on every replica seen so far.
    public func uses(of campaign: CampaignID) -> Int {
        offerUses[campaign]?.count ?? 0
    }

    /// The offers the customer can use at `time`: granted, running, and not
    /// used up; by campaign id.
    public func activeOffers(at time: Date) -> [OfferGrant] {
        offers.compactMap { campaign, register in
            guard let grant = register.value, grant.isValid(at: time), uses(of: campaign) < grant.uses else { return nil }
            return grant
        }.sorted { $0.campaign.rawValue < $1.campaign.rawValue }
    }

    /// Sets a field as the hub (tier, segment, lifecycle), having seen the current value.
    public mutating func write(_ field: ProfileField, _ value: String?, at stamp: HLCTimestamp) {
        guard erasure == nil else { return }
        let register = LWWRegister(value: value, stamp: stamp)
        if fields[field] == nil { fields[field] = register } else { fields[field]!.merge(register) }
    }

    private mutating func clearContent() {
        cards = []
        fields = [:]
        tags = TagSet()
        points = [:]
        consent = [:]
        offers = [:]
        offerUses = [:]
        insight = nil
    }

    /// The latest timestamp anywhere in the state; a replica's clock observes
    /// it so its next edit orders after what it has seen.
    public var latestStamp: HLCTimestamp? {
        var stamps: [HLCTimestamp] = fields.values.map(\.stamp)
        stamps += consent.values.flatMap { $0.dots + $0.superseded }
        stamps += tags.adds.values.flatMap { $0 }
        stamps += tags.removed
        stamps += offers.values.map(\.stamp)
        stamps += offerUses.values.flatMap { $0 }
        if let insight { stamps.append(insight.stamp) }
        if let erasure { stamps.append(erasure) }
        return stamps.max()
    }
}

extension ProfileState: Codable {
    enum CodingKeys: String, CodingKey {
        case id, cards, fields, tags, points, consent, mergedFrom, erasure, offers, offerUses, insight
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(CustomerID.self, forKey: .id)
        cards = Set(try container.decode([CardNumber].self, forKey: .cards))
        fields = try container.decode([ProfileField: LWWRegister<String>].self, forKey: .fields)
        tags = try container.decode(TagSet.self, forKey: .tags)
        points = try container.decode([CustomerID: PointsLedger].self, forKey: .points)
        consent = try container.decode([ConsentChannel: ConsentRegister].self, forKey: .consent)
        mergedFrom = Set(try container.decode([CustomerID].self, forKey: .mergedFrom))
        erasure = try container.decodeIfPresent(HLCTimestamp.self, forKey: .erasure)
        offers = try container.decodeIfPresent([CampaignID: LWWRegister<OfferGrant>].self, forKey: .offers) ?? [:]
        offerUses = (try container.decodeIfPresent([CampaignID: [HLCTimestamp]].self, forKey: .offerUses) ?? [:]).mapValues(Set.init)
        insight = try container.decodeIfPresent(LWWRegister<CustomerInsight>.self, forKey: .insight)
    }

    /// Sets are written as sorted arrays so equal states encode identically.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(cards.sorted(), forKey: .cards)
        try container.encode(fields, forKey: .fields)
        try container.encode(tags, forKey: .tags)
        try container.encode(points, forKey: .points)
        try container.encode(consent, forKey: .consent)
        try container.encode(mergedFrom.sorted(), forKey: .mergedFrom)
        try container.encodeIfPresent(erasure, forKey: .erasure)
        // Left out when empty: a profile without offers keeps the JSON it always had.
        if !offers.isEmpty { try container.encode(offers, forKey: .offers) }
        if !offerUses.isEmpty { try container.encode(offerUses.mapValues { $0.sorted() }, forKey: .offerUses) }
        try container.encodeIfPresent(insight, forKey: .insight)
    }
}
