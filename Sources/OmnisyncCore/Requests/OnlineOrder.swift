public import Foundation

/// An order from another sales channel (the web shop, an app), as a channel
/// integration sends it to the hub (`POST /v1/orders`) or as a history file
/// holds it (`omnisync-hub import orders FILE.jsonl`, one a line):
/// `{ "orderId", "channel", "at", "customer": { "card"?, "email"?, "phone"? }, "lines", "total", "offer"? }`.
///
/// The customer's identifiers are kept as sent: the hub normalises them
/// (``EmailAddress``, ``PhoneNumber``) and quarantines an order whose
/// identifiers are unusable rather than refusing it, so the shop's order is
/// kept for an operator to fix. Everything else follows the store sale's
/// rules (the receipt rule for lines and total), and a malformed order is
/// refused with the field named.
public struct OnlineOrder: Hashable, Sendable {
    /// The channel's own order number: what makes a resend a no-op.
    public var orderID: String
    /// The channel's name (`web`, `app`): a plain identifier.
    public var channel: String
    public var at: Date
    public var customer: Identifiers
    public var lines: [SaleLine]
    public var total: Money
    /// The campaign whose offer the order used: counted against the
    /// customer's grant like a till's sale, and flagged for review at the
    /// hub when the customer holds no such grant, or has used it up.
    public var offer: CampaignID?

    /// How the channel knows the customer, each as typed there.
    public struct Identifiers: Hashable, Sendable, Codable {
        public var card: String?
        public var email: String?
        public var phone: String?

        public init(card: String? = nil, email: String? = nil, phone: String? = nil) {
            self.card = card
            self.email = email
            self.phone = phone
        }

        /// No identifier at all: an anonymous order.
        public var isEmpty: Bool { card == nil && email == nil && phone == nil }

        enum CodingKeys: String, CodingKey {
            case card, email, phone
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) throws -> String? {
                guard let value = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
                guard value.utf8.count <= 254 else { throw container.invalid(key, "longer than 254 bytes") }
                return value
            }
            self.init(card: try text(.card), email: try text(.email), phone: try text(.phone))
        }
    }

    public init(orderID: String, channel: String, at: Date, customer: Identifiers, lines: [SaleLine], total: Money, offer: CampaignID? = nil) {
        self.orderID = orderID
        self.channel = channel
        self.at = at
        self.customer = customer
        self.lines = lines
        self.total = total
        self.offer = offer
    }

    /// 1 to 100 printable ASCII characters: order numbers are the shop's own.
    public static func isValidOrderID(_ value: String) -> Bool {
        (1...100).contains(value.utf8.count) && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// A channel name: a plain identifier (letters, digits, `.`, `_`, `-`),
    /// at most 32 characters.
    public static func isValidChannel(_ value: String) -> Bool {
        value.utf8.count <= 32 && TerminalKind.isValid(value)
    }
}

extension OnlineOrder: Codable {
    enum CodingKeys: String, CodingKey {
        case orderId, channel, at, customer, lines, total, offer
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let orderID = try container.decode(String.self, forKey: .orderId)
        guard Self.isValidOrderID(orderID) else { throw container.invalid(.orderId, "must be 1-100 printable characters without spaces") }
        let channel = try container.decode(String.self, forKey: .channel)
        guard Self.isValidChannel(channel) else {
            throw container.invalid(.channel, "must be a name of letters, digits, '.', '_' or '-', at most 32 characters")
        }
        let at = try container.decode(Date.self, forKey: .at)
        let body = try ReceiptBody(from: container, lines: .lines, total: .total, receipt: nil)
        let customer = try container.decodeIfPresent(Identifiers.self, forKey: .customer) ?? Identifiers()
        let offer = try container.decodeIfPresent(CampaignID.self, forKey: .offer)
        if offer != nil && customer.isEmpty {
            // A grant belongs to a customer: an anonymous order cannot hold one.
            throw container.invalid(.offer, "names an offer but the order names no customer (card, email or phone)")
        }
        self.init(orderID: orderID, channel: channel, at: at, customer: customer, lines: body.lines, total: body.total, offer: offer)
    }

    /// The same document as it is sent: what the hub keeps of a quarantined
    /// order, and what an import file holds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orderID, forKey: .orderId)
        try container.encode(channel, forKey: .channel)
        try container.encode(at, forKey: .at)
        try container.encode(customer, forKey: .customer)
        try container.encode(lines, forKey: .lines)
        try container.encode(total, forKey: .total)
        try container.encodeIfPresent(offer, forKey: .offer)
    }
}
