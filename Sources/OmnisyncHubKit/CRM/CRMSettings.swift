/// The chain's rules for tiers, lifecycle stages and interests (`omnisync-hub policy set`),
/// stored with its data so every command and replica agrees on them. Their
/// exact meaning is in `docs/crm.md`.
public struct CRMSettings: Sendable, Hashable, Codable {
    /// The rolling window tiers look at, in days.
    public var tierWindowDays: Int64
    /// VIP when the window's net spend, in the customer's main currency
    /// (minor units), reaches this...
    public var vipSpend: Int64
    /// ...or the window's orders reach this...
    public var vipOrders: Int64
    /// ...or the points balance reaches this (nil: points do not count).
    public var vipPoints: Int64?
    /// A VIP stays VIP while still above this share of a threshold (0.8: a
    /// fifth below it), so customers near a threshold do not flap.
    public var vipKeepShare: Double
    /// The purchase rhythm assumed for a customer with one purchase, in days.
    public var singlePurchaseGapDays: Int64
    /// A purchase of at least this many minor units (any currency) raises a
    /// large-purchase event at once (``PurchaseEvents``); 0: none does.
    public var largePurchase: Int64
    /// A category is an interest when its items are at least this share of
    /// the catalogued items the customer bought... (``InterestTags``)
    public var interestShare: Double
    /// ...and at least this many items...
    public var interestMinItems: Int64
    /// ...keeping at most this many interests per customer (0: no interest tags).
    public var interestMaxTags: Int

    public init(
        tierWindowDays: Int64 = 365, vipSpend: Int64 = 100_000, vipOrders: Int64 = 12, vipPoints: Int64? = nil,
        vipKeepShare: Double = 0.8, singlePurchaseGapDays: Int64 = 90, largePurchase: Int64 = 50_000,
        interestShare: Double = 0.25, interestMinItems: Int64 = 2, interestMaxTags: Int = 3
    ) {
        self.tierWindowDays = tierWindowDays
        self.vipSpend = vipSpend
        self.vipOrders = vipOrders
        self.vipPoints = vipPoints
        self.vipKeepShare = vipKeepShare
        self.singlePurchaseGapDays = singlePurchaseGapDays
        self.largePurchase = largePurchase
        self.interestShare = interestShare
        self.interestMinItems = interestMinItems
        self.interestMaxTags = interestMaxTags
    }

    /// Whether `other` reads interests differently: every customer's
    /// interests are then worked out again.
    func interestRuleDiffers(from other: CRMSettings) -> Bool {
        (interestShare, interestMinItems, interestMaxTags) != (other.interestShare, other.interestMinItems, other.interestMaxTags)
    }

    public static let `default` = CRMSettings()

    enum CodingKeys: String, CodingKey {
        case tierWindowDays, vipSpend, vipOrders, vipPoints, vipKeepShare, singlePurchaseGapDays, largePurchase
        case interestShare, interestMinItems, interestMaxTags
    }

    /// A rule missing from what an earlier version stored takes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self.default
        tierWindowDays = try container.decodeIfPresent(Int64.self, forKey: .tierWindowDays) ?? defaults.tierWindowDays
        vipSpend = try container.decodeIfPresent(Int64.self, forKey: .vipSpend) ?? defaults.vipSpend
        vipOrders = try container.decodeIfPresent(Int64.self, forKey: .vipOrders) ?? defaults.vipOrders
        vipPoints = try container.decodeIfPresent(Int64.self, forKey: .vipPoints)
        vipKeepShare = try container.decodeIfPresent(Double.self, forKey: .vipKeepShare) ?? defaults.vipKeepShare
        singlePurchaseGapDays = try container.decodeIfPresent(Int64.self, forKey: .singlePurchaseGapDays) ?? defaults.singlePurchaseGapDays
        largePurchase = try container.decodeIfPresent(Int64.self, forKey: .largePurchase) ?? defaults.largePurchase
        interestShare = try container.decodeIfPresent(Double.self, forKey: .interestShare) ?? defaults.interestShare
        interestMinItems = try container.decodeIfPresent(Int64.self, forKey: .interestMinItems) ?? defaults.interestMinItems
        interestMaxTags = try container.decodeIfPresent(Int.self, forKey: .interestMaxTags) ?? defaults.interestMaxTags
    }
}
