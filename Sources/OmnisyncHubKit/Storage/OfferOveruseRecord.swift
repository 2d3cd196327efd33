public import Foundation
public import OmnisyncCore

/// A sale that used a campaign's offer beyond what the customer's grant
/// allows: two stores honouring a single-use offer while both were offline
/// (or an offer the hub no longer grants). The sale stands (the goods are
/// gone); head office reviews it (`omnisync-hub review offers`).
public struct OfferOveruseRecord: Sendable, Hashable, Encodable {
    public var id: Int64?
    public var campaign: CampaignID
    public var customer: CustomerID
    public var terminal: TerminalID
    public var store: StoreID
    public var seq: Int64
    /// Uses counted with this sale.
    public var uses: Int
    /// What the grant allows; nil when the customer held no grant at the hub.
    public var allowed: Int?
    public var detectedAt: Date
    public var approvedAt: Date?
    public var note: String?

    public init(
        id: Int64? = nil, campaign: CampaignID, customer: CustomerID, terminal: TerminalID, store: StoreID, seq: Int64, uses: Int, allowed: Int?,
        detectedAt: Date, approvedAt: Date? = nil, note: String? = nil
    ) {
        self.id = id
        self.campaign = campaign
        self.customer = customer
        self.terminal = terminal
        self.store = store
        self.seq = seq
        self.uses = uses
        self.allowed = allowed
        self.detectedAt = detectedAt
        self.approvedAt = approvedAt
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, campaign, customer, terminal, store, seq, uses, allowed, detectedAt, approvedAt, note
    }

    /// Every key is written, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(customer, forKey: .customer)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(store, forKey: .store)
        try container.encode(seq, forKey: .seq)
        try container.encode(uses, forKey: .uses)
        try container.encode(allowed, forKey: .allowed)
        try container.encode(detectedAt, forKey: .detectedAt)
        try container.encode(approvedAt, forKey: .approvedAt)
        try container.encode(note, forKey: .note)
    }
}
