public import Foundation
public import OmnisyncCore

/// The CRM's periodic recompute and its counts.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
/// What a customer scores is decided by ``CustomerScoring``.
public protocol ScoringStore: Sendable {
    /// The chain's rules for tiers and lifecycle stages.
    func crmSettings() async throws(HubError) -> CRMSettings
    func setCRMSettings(_ settings: CRMSettings) async throws(HubError)

    /// Scores every customer at `now` (RFM, segment, tier, lifecycle, churn
    /// risk); writes only the customers whose answers changed, and puts a
    /// changed tier, segment or stage into the profile, so the tills of the
    /// stores that know the customer show it after their next pull.
    func recompute(at now: Date) async throws(HubError) -> RecomputeReport

    /// Customers per segment, tier and lifecycle stage, as the last recompute left them.
    func segmentCounts() async throws(HubError) -> SegmentCounts

    /// A campaign's audience: the customers matching every given filter,
    /// never an erased one, and, with `consent`, only those opted in on that
    /// channel (an opt-out, or no answer, leaves them out).
    func audience(_ filter: AudienceFilter) async throws(HubError) -> [CustomerRecord]
}

/// Who a campaign is for; nil matches everyone.
public struct AudienceFilter: Sendable, Hashable {
    public var segment: String?
    public var tier: String?
    public var lifecycle: String?
    public var consent: ConsentChannel?

    public init(segment: String? = nil, tier: String? = nil, lifecycle: String? = nil, consent: ConsentChannel? = nil) {
        self.segment = segment
        self.tier = tier
        self.lifecycle = lifecycle
        self.consent = consent
    }
}

/// What a recompute did.
public struct RecomputeReport: Sendable, Hashable, Encodable {
    public var customers: Int
    /// Customers with at least one purchase: the base quintiles are taken over.
    public var activeBase: Int
    /// Customers whose scores changed.
    public var changed: Int
    /// Customers whose tier, segment, stage, churn flag or interests changed: sent to the tills.
    public var profilesChanged: Int
    /// Customers whose interests were worked out again: those who bought
    /// since the last recompute, or whose purchases changed meaning.
    public var interestsRead: Int
    public var seconds: Double
    /// Customers who joined a running campaign (treated or held out) in the
    /// membership pass that follows the scoring (their new tier or segment
    /// may put them in an audience).
    public var campaignMembersJoined = 0

    public init(customers: Int, activeBase: Int, changed: Int, profilesChanged: Int, interestsRead: Int, seconds: Double) {
        self.customers = customers
        self.activeBase = activeBase
        self.changed = changed
        self.profilesChanged = profilesChanged
        self.interestsRead = interestsRead
        self.seconds = seconds
    }
}

/// Customers per segment, tier and lifecycle stage (erased customers left out;
/// `none` for customers without one, e.g. who never bought).
public struct SegmentCounts: Sendable, Hashable, Encodable {
    public var segments: [String: Int]
    public var tiers: [String: Int]
    public var lifecycle: [String: Int]
    public var churnRisk: Int

    public init(segments: [String: Int], tiers: [String: Int], lifecycle: [String: Int], churnRisk: Int) {
        self.segments = segments
        self.tiers = tiers
        self.lifecycle = lifecycle
        self.churnRisk = churnRisk
    }
}
