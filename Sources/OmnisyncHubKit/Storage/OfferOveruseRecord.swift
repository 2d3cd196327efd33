public import Foundation
public import OmnisyncCore

/// A sale that used a campaign's offer beyond what the customer's grant
/// allows: two stores honouring a single-use offer while both were offline,
/// a web order using an offer a till already used, an offer the hub no
/// longer grants, or a web order placed outside the offer's window. The sale stands (the goods are gone); head office reviews
/// it (`omnisync-hub review offers`).
///
/// A till's sale is named by terminal, store and sequence number; another
/// channel's order by channel and order id. Exactly one of the two is set.
public struct OfferOveruseRecord: Sendable, Hashable, Encodable {
    public var id: Int64?
    public var campaign: CampaignID
    public var customer: CustomerID
    public var terminal: TerminalID?
    public var store: StoreID?
    public var seq: Int64?
    /// The sales channel (`web`) of an online order; nil for a till's sale.
    public var channel: String?
    /// The channel's order id of an online order; nil for a till's sale.
    public var orderID: String?
    /// Uses counted with this sale.
    public var uses: Int
    /// What the grant allows; nil when the customer held no grant at the hub.
    public var allowed: Int?
    /// True for an order placed outside the grant's window (a till refuses
    /// those itself; an order of another channel is only checked here).
    public var outsideWindow = false
    public var detectedAt: Date
    public var approvedAt: Date?
    public var note: String?

    /// A till's sale.
    public init(
        id: Int64? = nil, campaign: CampaignID, customer: CustomerID, terminal: TerminalID, store: StoreID, seq: Int64, uses: Int, allowed: Int?,
        detectedAt: Date, approvedAt: Date? = nil, note: String? = nil
    ) {
        self.init(
            id: id, campaign: campaign, customer: customer, source: .till(terminal: terminal, store: store, seq: seq), uses: uses, allowed: allowed,
            detectedAt: detectedAt, approvedAt: approvedAt, note: note
        )
    }

    /// An order of another channel.
    public init(
        id: Int64? = nil, campaign: CampaignID, customer: CustomerID, channel: String, orderID: String, uses: Int, allowed: Int?,
        outsideWindow: Bool = false, detectedAt: Date, approvedAt: Date? = nil, note: String? = nil
    ) {
        self.init(
            id: id, campaign: campaign, customer: customer, source: .order(channel: channel, orderID: orderID), uses: uses, allowed: allowed,
            detectedAt: detectedAt, approvedAt: approvedAt, note: note
        )
        self.outsideWindow = outsideWindow
    }

    /// Where the sale was made, as the stored row says it.
    public enum Source: Sendable, Hashable {
        case till(terminal: TerminalID, store: StoreID, seq: Int64)
        case order(channel: String, orderID: String)

        /// The source a stored row names (its terminal, store and seq, or
        /// its channel and order id); throws on a row that names neither.
        init(terminal: String?, store: String?, seq: Int64?, channel: String?, orderID: String?) throws {
            if let terminal, let store, let seq {
                self = .till(terminal: try TerminalID(validating: terminal), store: try StoreID(validating: store), seq: seq)
            } else if let channel, let orderID {
                self = .order(channel: channel, orderID: orderID)
            } else {
                throw HubError(.storage, "an offer double use names neither a till's sale nor a channel's order; the hub's database is damaged")
            }
        }
    }

    public init(
        id: Int64?, campaign: CampaignID, customer: CustomerID, source: Source, uses: Int, allowed: Int?, detectedAt: Date, approvedAt: Date?,
        note: String?
    ) {
        self.id = id
        self.campaign = campaign
        self.customer = customer
        switch source {
        case .till(let terminal, let store, let seq):
            (self.terminal, self.store, self.seq) = (terminal, store, seq)
        case .order(let channel, let orderID):
            (self.channel, self.orderID) = (channel, orderID)
        }
        self.uses = uses
        self.allowed = allowed
        self.detectedAt = detectedAt
        self.approvedAt = approvedAt
        self.note = note
    }

    /// Why it waits for review, for a listing.
    public var why: String {
        if outsideWindow { return "used outside the offer's window" }
        return allowed.map { "use \(uses) of \($0) allowed" } ?? "use \(uses) of an offer the customer does not hold"
    }

    /// The sale, for a listing: `t-1#42 (s-1)` or `web order W-1001`.
    public var sale: String {
        if let terminal, let seq {
            return "\(terminal)#\(seq)" + (store.map { " (\($0))" } ?? "")
        }
        return "\(channel ?? "?") order \(orderID ?? "?")"
    }

    enum CodingKeys: String, CodingKey {
        case id, campaign, customer, terminal, store, seq, channel, orderId, uses, allowed, outsideWindow, detectedAt, approvedAt, note
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
        try container.encode(channel, forKey: .channel)
        try container.encode(orderID, forKey: .orderId)
        try container.encode(uses, forKey: .uses)
        try container.encode(allowed, forKey: .allowed)
        try container.encode(outsideWindow, forKey: .outsideWindow)
        try container.encode(detectedAt, forKey: .detectedAt)
        try container.encode(approvedAt, forKey: .approvedAt)
        try container.encode(note, forKey: .note)
    }
}
