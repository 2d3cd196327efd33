public import Foundation
public import OmnisyncCore

/// Other sales channels (the web shop, an app): their integrations, the
/// orders they send, and the customers those orders find.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
/// What an order does to a customer is decided by ``OnlineOrderIngestor``.
public protocol ChannelStore: Sendable {
    /// Registers a channel integration with the SHA-256 of its token.
    func addChannel(_ name: String, tokenHash: String, at: Date) async throws(HubError) -> ChannelRecord
    /// The channel whose token hashes to `tokenHash`, revoked or not.
    func channel(tokenHash: String) async throws(HubError) -> ChannelRecord?
    func channels() async throws(HubError) -> [ChannelRecord]
    /// Refuses the channel's token from now on.
    func revokeChannel(_ name: String, at: Date) async throws(HubError) -> ChannelRecord

    /// Records orders, in one transaction, each exactly once (by channel and
    /// order id): applied to the customer their identifiers find (card, then
    /// email, then phone; a new customer when none), or quarantined when an
    /// identifier is unusable. A resend is answered as a duplicate.
    func recordOnlineOrders(_ orders: [OnlineOrder], at: Date) async throws(HubError) -> [OnlineOrderOutcome]

    /// Orders kept aside because an identifier is unusable, oldest first:
    /// the channel sends the corrected order again under the same id.
    func quarantinedOrders() async throws(HubError) -> [QuarantinedOrderRecord]

    /// Email addresses and phone numbers (normalised) that more than one
    /// customer holds: candidates for an identity merge.
    func duplicateContacts() async throws(HubError) -> [DuplicateContact]
}

/// A channel integration.
public struct ChannelRecord: Sendable, Hashable, Encodable {
    public var name: String
    public var createdAt: Date
    public var revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }

    public init(name: String, createdAt: Date, revokedAt: Date?) {
        self.name = name
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case name, createdAt, revoked
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(isRevoked, forKey: .revoked)
    }
}

/// What became of one online order.
public struct OnlineOrderOutcome: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Applied now.
        case applied
        /// Applied before (the same channel and order id): nothing changed.
        case duplicate
        /// Kept aside with ``OnlineOrderOutcome/reason``: an identifier is unusable.
        case quarantined
    }

    public var orderId: String
    public var channel: String
    public var status: Status
    /// The customer it was applied to (nil: anonymous or quarantined).
    public var customer: CustomerID?
    /// True when the order made a new customer.
    public var created: Bool
    public var reason: String?
    /// True when the order used its offer beyond the customer's grant (or
    /// without one): it is kept and listed in `omnisync-hub review offers`;
    /// nil otherwise, so the answer carries it only when it happened.
    public var offerFlagged: Bool?

    public init(
        orderId: String, channel: String, status: Status, customer: CustomerID?, created: Bool = false, reason: String? = nil, offerFlagged: Bool? = nil
    ) {
        self.orderId = orderId
        self.channel = channel
        self.status = status
        self.customer = customer
        self.created = created
        self.reason = reason
        self.offerFlagged = offerFlagged
    }
}

/// A normalised email address or phone number held by several customers.
public struct DuplicateContact: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case email, phone
    }

    public var kind: Kind
    /// The normalised value (personal data: mask it unless asked).
    public var value: String
    public var customers: [CustomerID]

    public init(kind: Kind, value: String, customers: [CustomerID]) {
        self.kind = kind
        self.value = value
        self.customers = customers
    }
}

/// An order of another channel kept aside, and why.
public struct QuarantinedOrderRecord: Sendable, Hashable, Encodable {
    public var channel: String
    public var orderId: String
    public var reason: String
    public var quarantinedAt: Date

    public init(channel: String, orderId: String, reason: String, quarantinedAt: Date) {
        self.channel = channel
        self.orderId = orderId
        self.reason = reason
        self.quarantinedAt = quarantinedAt
    }
}
