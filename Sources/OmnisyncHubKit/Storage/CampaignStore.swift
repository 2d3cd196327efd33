public import Foundation
public import OmnisyncCore

/// Campaigns and who they treat (`omnisync-hub campaigns`).
///
/// One feature of ``HubStore``; each backend implements it in its own file.
/// Membership is decided once per customer and kept: a customer entering the
/// audience is drawn into the treated or the holdout group (``HoldoutDraw``),
/// and a treated one gets the offer in their profile, stamped by the hub, so
/// the tills that know them pull it. Passes are incremental: each reads only
/// the customers whose profile changed since the campaign's last pass.
public protocol CampaignStore: Sendable {
    /// Stores a new campaign (its id minted from `time`) and draws its members
    /// among the customers there are now.
    func createCampaign(_ definition: CampaignDefinition, at time: Date) async throws(HubError) -> CampaignSummary

    /// Every campaign, newest first.
    func campaigns() async throws(HubError) -> [CampaignSummary]

    func campaign(_ id: CampaignID) async throws(HubError) -> CampaignSummary?

    /// Ends a campaign now: its treated members' offers end with it (the
    /// tills pull the shortened offer), and no one joins any more.
    func stopCampaign(_ id: CampaignID, at time: Date) async throws(HubError) -> CampaignSummary

    /// Draws the customers who entered a running campaign's audience since
    /// its last pass (the hourly recompute calls it); returns how many joined.
    ///
    /// The pass reads the customers changed since the campaign's cursor in
    /// chunks of `chunk`, each in its own transaction that moves the cursor
    /// on, so pushes wait for one chunk at most, never for a whole
    /// million-customer pass, and a pass cut short resumes where it stopped.
    func assignCampaignMembers(at time: Date, chunk: Int) async throws(HubError) -> Int

    /// The treated group against the holdout over the campaign's window
    /// (``CampaignReport``); nil for an unknown campaign.
    func campaignReport(_ id: CampaignID) async throws(HubError) -> CampaignReport?
}

/// A campaign with its groups' sizes, as `campaigns list|show` print it.
public struct CampaignSummary: Sendable, Hashable, Encodable {
    public var campaign: Campaign
    public var treated: Int
    public var holdout: Int
    /// Sales that used the offer, at tills and online.
    public var redemptions: Int
    /// `scheduled`, `running`, `stopped` or `ended`, when read.
    public var status: String

    public init(campaign: Campaign, treated: Int, holdout: Int, redemptions: Int, status: String) {
        self.campaign = campaign
        self.treated = treated
        self.holdout = holdout
        self.redemptions = redemptions
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, audience, offer, description, validFrom, validUntil, usesPerCustomer, holdout, createdAt, stoppedAt, members
    }

    enum MemberKeys: String, CodingKey { case audience, treated, holdout, redemptions }

    /// Every key is written, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let definition = campaign.definition
        try container.encode(campaign.id, forKey: .id)
        try container.encode(definition.name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encode(definition.audience, forKey: .audience)
        try container.encode(definition.offer, forKey: .offer)
        try container.encode(definition.offer.description, forKey: .description)
        try container.encode(campaign.validFrom, forKey: .validFrom)
        try container.encode(definition.validUntil, forKey: .validUntil)
        try container.encode(definition.usesPerCustomer, forKey: .usesPerCustomer)
        try container.encode(definition.holdoutShare, forKey: .holdout)
        try container.encode(campaign.createdAt, forKey: .createdAt)
        try container.encode(campaign.stoppedAt, forKey: .stoppedAt)
        var members = container.nestedContainer(keyedBy: MemberKeys.self, forKey: .members)
        try members.encode(treated + holdout, forKey: .audience)
        try members.encode(treated, forKey: .treated)
        try members.encode(holdout, forKey: .holdout)
        try members.encode(redemptions, forKey: .redemptions)
    }
}

extension CampaignStore {
    /// Customers a membership transaction reads at most: a few tens of
    /// milliseconds of work on either backend.
    public static var membershipChunk: Int { 2_000 }

    /// ``assignCampaignMembers(at:chunk:)`` in chunks of ``membershipChunk``.
    public func assignCampaignMembers(at time: Date) async throws(HubError) -> Int {
        try await assignCampaignMembers(at: time, chunk: Self.membershipChunk)
    }
}
