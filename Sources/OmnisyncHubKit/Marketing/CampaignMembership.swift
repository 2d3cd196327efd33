import Foundation
import OmnisyncCore

/// What a membership pass decides for one customer of a campaign, without
/// I/O, so both backends decide alike: nothing (not in the audience, or a
/// member already), or a new member, held out or treated; a treated member
/// gets the offer in their profile.
enum CampaignMembership {
    enum Decision: Equatable {
        case none
        case holdout
        case treated
    }

    static func decide(_ campaign: Campaign, customer state: ProfileState, stores: Set<StoreID>, isMember: Bool) -> Decision {
        guard !isMember, campaign.definition.audience.admits(state, stores: stores) else { return .none }
        return HoldoutDraw.isHeldOut(campaign: campaign.id, customer: state.id, share: campaign.definition.holdoutShare) ? .holdout : .treated
    }

    /// Gives `campaign`'s offer (as it now stands: a stop shortens it) to a
    /// treated member's profile; false when the profile already shows it so.
    static func grant(_ campaign: Campaign, into state: inout ProfileState, stamp: () -> HLCTimestamp) -> Bool {
        let grant = OfferGrant(campaign)
        guard !state.isErased, state.offers[campaign.id]?.value != grant else { return false }
        state.grant(grant, of: campaign.id, at: stamp())
        return true
    }

    /// A definition as both backends store it: its JSON, as written by ``WireCoding``.
    static func stored(_ definition: CampaignDefinition) throws(HubError) -> String {
        do {
            return String(decoding: try WireCoding.encode(definition), as: UTF8.self)
        } catch {
            throw HubError(.storage, "cannot encode the campaign: \(error)")
        }
    }

    /// A stored definition read back.
    static func definition(_ body: String, id: String) throws(HubError) -> CampaignDefinition {
        do {
            return try WireCoding.decode(CampaignDefinition.self, from: Data(body.utf8))
        } catch {
            throw HubError(.storage, "the stored campaign \(id) cannot be read: \(error)")
        }
    }

    /// A new campaign's id: a UUIDv7 from its creation time.
    static func mintID(at time: Date) -> CampaignID {
        var generator = SystemRandomNumberGenerator()
        return CampaignID(rawValue: UUIDv7.make(unixMillis: time.millis, using: &generator))!
    }
}
