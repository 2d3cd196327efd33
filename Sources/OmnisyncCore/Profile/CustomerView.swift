public import Foundation

/// The customer as `customers show --json` prints it, on a terminal or the hub.
///
/// Two replicas that have seen the same changes print byte-identical views
/// (keys sorted, lists sorted). Personal fields are masked unless revealed;
/// an erased profile shows no personal data at all.
public struct CustomerView: Hashable, Sendable {
    public var id: CustomerID
    public var cards: [String]
    public var name: String?
    public var email: String?
    public var phone: String?
    public var birthday: String?
    public var language: String?
    public var tags: [String]
    public var points: Points
    public var consent: [ConsentChannel: ConsentValue]
    public var tier: String?
    public var segment: String?
    public var lifecycle: String?
    public var erased: Bool
    public var mergedFrom: [CustomerID]
    /// Campaign offers the customer can use now (granted, running, not used up).
    public var offers: [Offer]
    /// The hub's predictions (``CustomerInsight``), nil until its models are fitted.
    public var pAlive: Double?
    public var expectedPurchases90d: Double?
    public var value12m: Money?
    public var cluster: Int?
    public var recommendations: [String]

    /// An offer as a view shows it.
    public struct Offer: Hashable, Sendable, Codable {
        public var campaign: CampaignID
        public var description: String
        public var validUntil: Date
        /// Uses left.
        public var usesLeft: Int
    }

    public struct Points: Hashable, Sendable, Codable {
        public var earned: Int64
        public var redeemed: Int64
        public var balance: Int64
    }

    /// The view of `state` at `time` (which offers are running); masked
    /// unless `reveal` is true.
    public init(_ state: ProfileState, reveal: Bool = false, at time: Date = Date()) {
        func shown(_ field: ProfileField) -> String? {
            guard let value = state.value(of: field) else { return nil }
            return reveal ? value : PersonalDataMask.mask(value, as: field)
        }
        id = state.id
        cards = state.cards.sorted().map { reveal ? $0.rawValue : $0.masked }
        name = shown(.name)
        email = shown(.email)
        phone = shown(.phone)
        birthday = shown(.birthday)
        language = shown(.language)
        tags = state.tags.elements.map(\.rawValue)
        points = Points(earned: state.pointsEarned, redeemed: state.pointsRedeemed, balance: state.pointsBalance)
        consent = state.consent.compactMapValues(\.value)
        tier = shown(.tier)
        segment = shown(.segment)
        lifecycle = shown(.lifecycle)
        erased = state.isErased
        mergedFrom = state.mergedFrom.sorted()
        offers = state.activeOffers(at: time).map { grant in
            Offer(campaign: grant.campaign, description: grant.description, validUntil: grant.validUntil, usesLeft: grant.uses - state.uses(of: grant.campaign))
        }
        let insight = state.insight?.value
        pAlive = insight?.pAlive
        expectedPurchases90d = insight?.expectedPurchases90d
        value12m = insight?.value12m
        cluster = insight?.cluster
        recommendations = insight?.recommendations ?? []
    }
}

extension CustomerView: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, cards, name, email, phone, birthday, language, tags, points, consent, tier, segment, lifecycle, erased, mergedFrom, offers
        case pAlive, expectedPurchases90d, value12m, cluster, recommendations
    }

    /// Every key is written, absent values as null, so scripts can rely on the shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(cards, forKey: .cards)
        try container.encode(name, forKey: .name)
        try container.encode(email, forKey: .email)
        try container.encode(phone, forKey: .phone)
        try container.encode(birthday, forKey: .birthday)
        try container.encode(language, forKey: .language)
        try container.encode(tags, forKey: .tags)
        try container.encode(points, forKey: .points)
        var consentContainer = container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .consent)
        for channel in ConsentChannel.allCases {
            try consentContainer.encode(consent[channel], forKey: AnyCodingKey(channel.rawValue))
        }
        try container.encode(tier, forKey: .tier)
        try container.encode(segment, forKey: .segment)
        try container.encode(lifecycle, forKey: .lifecycle)
        try container.encode(erased, forKey: .erased)
        try container.encode(mergedFrom, forKey: .mergedFrom)
        try container.encode(offers, forKey: .offers)
        try container.encode(pAlive, forKey: .pAlive)
        try container.encode(expectedPurchases90d, forKey: .expectedPurchases90d)
        try container.encode(value12m, forKey: .value12m)
        try container.encode(cluster, forKey: .cluster)
        try container.encode(recommendations, forKey: .recommendations)
    }
}

extension CustomerView {
    /// Human-readable lines for `customers show` without `--json`.
    public var textLines: [(String, String)] {
        var lines: [(String, String)] = [("customer", id.rawValue)]
        if erased {
            lines.append(("erased", "yes (no personal data is kept)"))
            return lines
        }
        lines.append(("cards", cards.isEmpty ? "-" : cards.joined(separator: ", ")))
        lines.append(("name", name ?? "-"))
        lines.append(("email", email ?? "-"))
        lines.append(("phone", phone ?? "-"))
        lines.append(("birthday", birthday ?? "-"))
        lines.append(("language", language ?? "-"))
        lines.append(("tier", tier ?? "-"))
        lines.append(("segment", segment ?? "-"))
        lines.append(("lifecycle", lifecycle ?? "-"))
        lines.append(("points", "\(points.balance) (earned \(points.earned), redeemed \(points.redeemed))"))
        lines.append(("tags", tags.isEmpty ? "-" : tags.joined(separator: ", ")))
        let consentText = ConsentChannel.allCases.map { "\($0.rawValue) \(consent[$0]?.rawValue ?? "unknown")" }
        lines.append(("consent", consentText.joined(separator: ", ")))
        lines.append(("offers", offers.isEmpty ? "-" : offers.map { "\($0.description) (campaign \($0.campaign), until \(RFC3339.format($0.validUntil)))" }.joined(separator: "; ")))
        lines.append(("p(alive)", pAlive.map { String(format: "%.1f %%", $0 * 100) } ?? "-"))
        lines.append(("expected purchases (90 days)", expectedPurchases90d.map { String(format: "%.2f", $0) } ?? "-"))
        lines.append(("value (12 months)", value12m.map { "\($0)" } ?? "-"))
        lines.append(("cluster", cluster.map(String.init) ?? "-"))
        lines.append(("recommendations", recommendations.isEmpty ? "-" : recommendations.joined(separator: ", ")))
        return lines
    }
}
