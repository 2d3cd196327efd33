public import Foundation

/// A campaign as head office writes it (`omnisync-hub campaigns create
/// --json-file F`; the shape is in PRODUCT.md): who it is for, what it gives,
/// when, how often each customer may use it, and the share of the audience
/// held out to measure its effect.
public struct CampaignDefinition: Hashable, Sendable {
    public var name: String
    public var audience: Audience
    public var offer: Offer
    /// Nil: from its creation.
    public var validFrom: Date?
    public var validUntil: Date
    public var usesPerCustomer: Int
    /// The holdout share in basis points (1,000: 10%).
    public var holdoutBasisPoints: Int

    public init(
        name: String, audience: Audience = Audience(), offer: Offer, validFrom: Date? = nil, validUntil: Date, usesPerCustomer: Int = 1,
        holdoutBasisPoints: Int = Self.defaultHoldoutBasisPoints
    ) {
        self.name = name
        self.audience = audience
        self.offer = offer
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.usesPerCustomer = usesPerCustomer
        self.holdoutBasisPoints = holdoutBasisPoints
    }

    /// 10%: enough customers held out to measure an effect, few enough not to
    /// cost the campaign much.
    public static let defaultHoldoutBasisPoints = 1_000
    public static let maxUsesPerCustomer = 100

    public var holdoutShare: Double { Double(holdoutBasisPoints) / 10_000 }
}

extension CampaignDefinition: Codable {
    enum CodingKeys: String, CodingKey {
        case name, audience, offer, validFrom, validUntil, usesPerCustomer, holdout
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name).trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(name.count), !name.contains(where: \.isNewline) else {
            throw container.invalid(.name, "must be 1-100 characters on one line")
        }
        audience = try container.decodeIfPresent(Audience.self, forKey: .audience) ?? Audience()
        offer = try container.decode(Offer.self, forKey: .offer)
        validFrom = try container.decodeIfPresent(Date.self, forKey: .validFrom)
        validUntil = try container.decode(Date.self, forKey: .validUntil)
        if let validFrom, validUntil <= validFrom {
            throw container.invalid(.validUntil, "must be after validFrom")
        }
        let uses = try container.decodeIntegerIfPresent(forKey: .usesPerCustomer) ?? 1
        guard (1...Int64(Self.maxUsesPerCustomer)).contains(uses) else {
            throw container.invalid(.usesPerCustomer, "must be between 1 and \(Self.maxUsesPerCustomer)")
        }
        usesPerCustomer = Int(uses)
        if let share = try container.decodeIfPresent(Double.self, forKey: .holdout) {
            guard share.isFinite, share >= 0, share < 1 else {
                throw container.invalid(.holdout, "must be a share from 0 (nobody held out) to less than 1, like 0.1 for 10%")
            }
            holdoutBasisPoints = Int((share * 10_000).rounded())
        } else {
            holdoutBasisPoints = Self.defaultHoldoutBasisPoints
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(audience, forKey: .audience)
        try container.encode(offer, forKey: .offer)
        try container.encodeIfPresent(validFrom, forKey: .validFrom)
        try container.encode(validUntil, forKey: .validUntil)
        try container.encode(usesPerCustomer, forKey: .usesPerCustomer)
        try container.encode(holdoutShare, forKey: .holdout)
    }
}

/// A campaign the hub holds: its definition, its id and life.
public struct Campaign: Hashable, Sendable {
    public var id: CampaignID
    public var definition: CampaignDefinition
    public var createdAt: Date
    /// When head office stopped it early; its offers end then.
    public var stoppedAt: Date?

    public init(id: CampaignID, definition: CampaignDefinition, createdAt: Date, stoppedAt: Date? = nil) {
        self.id = id
        self.definition = definition
        self.createdAt = createdAt
        self.stoppedAt = stoppedAt
    }

    /// From `validFrom`, or its creation.
    public var validFrom: Date { definition.validFrom ?? createdAt }
    /// `validUntil`, or when it was stopped if earlier.
    public var validUntil: Date { min(definition.validUntil, stoppedAt ?? .distantFuture) }

    /// Its offers can be used at `time`: from `validFrom` included to `validUntil` excluded.
    public func isRunning(at time: Date) -> Bool {
        validFrom <= time && time < validUntil
    }

    /// "scheduled", "running", "stopped" or "ended" at `time`.
    public func status(at time: Date) -> String {
        if let stoppedAt, stoppedAt <= time { return "stopped" }
        if time < validFrom { return "scheduled" }
        return time < definition.validUntil ? "running" : "ended"
    }
}
