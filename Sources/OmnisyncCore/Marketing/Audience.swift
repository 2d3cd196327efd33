/// Who a campaign is for: customers matching every criterion given (an
/// empty audience is every customer). Criteria read the profile as the
/// tills see it (tier, segment and lifecycle stage written by the hub's
/// recompute, tags, consent) and the stores the customer dealt with.
public struct Audience: Hashable, Sendable {
    public var segment: String?
    public var tier: String?
    public var lifecycle: String?
    /// Every one of these tags.
    public var tags: Set<Tag>
    /// Customers of at least one of these stores; nil for any.
    public var stores: Set<StoreID>?
    /// Opted in on this channel (a campaign sent by email or SMS).
    public var consent: ConsentChannel?

    public init(
        segment: String? = nil, tier: String? = nil, lifecycle: String? = nil, tags: Set<Tag> = [], stores: Set<StoreID>? = nil,
        consent: ConsentChannel? = nil
    ) {
        self.segment = segment
        self.tier = tier
        self.lifecycle = lifecycle
        self.tags = tags
        self.stores = stores
        self.consent = consent
    }

    /// True when the customer `state` describes, who dealt with `stores`, is
    /// in the audience. An erased customer never is.
    public func admits(_ state: ProfileState, stores customerStores: Set<StoreID>) -> Bool {
        guard !state.isErased else { return false }
        if let segment, state.value(of: .segment) != segment { return false }
        if let tier, state.value(of: .tier) != tier { return false }
        if let lifecycle, state.value(of: .lifecycle) != lifecycle { return false }
        if !tags.isEmpty, !tags.isSubset(of: Set(state.tags.elements)) { return false }
        if let stores, stores.isDisjoint(with: customerStores) { return false }
        if let consent, state.consent[consent]?.value != .optedIn { return false }
        return true
    }
}

extension Audience: Codable {
    enum CodingKeys: String, CodingKey {
        case segment, tier, lifecycle, tags, stores, consent
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func word(_ key: CodingKeys) throws -> String? {
            guard let value = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard (1...64).contains(value.count), !value.contains(where: \.isNewline) else { throw container.invalid(key, "must be 1-64 characters") }
            return value
        }
        segment = try word(.segment)
        tier = try word(.tier)
        lifecycle = try word(.lifecycle)
        tags = Set(try container.decodeIfPresent([Tag].self, forKey: .tags) ?? [])
        if let list = try container.decodeIfPresent([StoreID].self, forKey: .stores) {
            guard !list.isEmpty else { throw container.invalid(.stores, "leave it out for every store, or name at least one") }
            stores = Set(list)
        }
        consent = try container.decodeIfPresent(ConsentChannel.self, forKey: .consent)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(segment, forKey: .segment)
        try container.encodeIfPresent(tier, forKey: .tier)
        try container.encodeIfPresent(lifecycle, forKey: .lifecycle)
        if !tags.isEmpty { try container.encode(tags.map(\.rawValue).sorted(), forKey: .tags) }
        if let stores { try container.encode(stores.map(\.rawValue).sorted(), forKey: .stores) }
        try container.encodeIfPresent(consent, forKey: .consent)
    }
}
