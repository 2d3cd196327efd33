public import Foundation

/// An offer of a campaign given to one customer, as the hub writes it into
/// their profile (``ProfileState/offers``) so that every till that knows the
/// customer can show and honour it offline.
public struct OfferGrant: Hashable, Sendable, Codable {
    public var campaign: CampaignID
    /// What it gives, for the cashier ("20 % off on SHOE-42").
    public var description: String
    public var validFrom: Date
    /// Excluded: from this time on the offer is over.
    public var validUntil: Date
    /// How many sales may use it (1: single use).
    public var uses: Int

    public init(campaign: CampaignID, description: String, validFrom: Date, validUntil: Date, uses: Int) {
        self.campaign = campaign
        self.description = description
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.uses = uses
    }

    /// The grant of `campaign` (its stop, when stopped, ends it).
    public init(_ campaign: Campaign) {
        self.init(
            campaign: campaign.id, description: campaign.definition.offer.description, validFrom: campaign.validFrom,
            validUntil: campaign.validUntil, uses: campaign.definition.usesPerCustomer
        )
    }

    public func isValid(at time: Date) -> Bool {
        validFrom <= time && time < validUntil
    }
}
