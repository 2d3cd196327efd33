/// A sale as the journal records it: the request resolved at the terminal.
///
/// The customer id is resolved (or minted, for a card the terminal had never
/// seen) and the points earned are computed with the loyalty rule the terminal
/// last synced, so replaying the entry anywhere gives the same effect.
public struct SaleEvent: Hashable, Sendable, Codable {
    public var customer: CustomerID?
    public var card: CardNumber?
    /// True when this sale enrolled a new customer for `card`.
    public var enrolled: Bool
    public var lines: [SaleLine]
    public var total: Money
    public var receipt: String?
    public var pointsEarned: Int64
    public var pointsRedeemed: Int64

    public init(customer: CustomerID?, card: CardNumber?, enrolled: Bool, lines: [SaleLine], total: Money, receipt: String?, pointsEarned: Int64, pointsRedeemed: Int64) {
        self.customer = customer
        self.card = card
        self.enrolled = enrolled
        self.lines = lines
        self.total = total
        self.receipt = receipt
        self.pointsEarned = pointsEarned
        self.pointsRedeemed = pointsRedeemed
    }

    enum CodingKeys: String, CodingKey {
        case customer, card, enrolled, lines, total, receipt, pointsEarned, pointsRedeemed
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        customer = try container.decodeIfPresent(CustomerID.self, forKey: .customer)
        card = try container.decodeIfPresent(CardNumber.self, forKey: .card)
        enrolled = try container.decode(Bool.self, forKey: .enrolled)
        let body = try ReceiptBody(from: container, lines: .lines, total: .total, receipt: .receipt)
        (lines, total, receipt) = (body.lines, body.total, body.receipt)
        pointsEarned = try container.decodeCount(forKey: .pointsEarned)
        pointsRedeemed = try container.decodeCount(forKey: .pointsRedeemed)
        if customer == nil && (card != nil || pointsEarned > 0 || pointsRedeemed > 0) {
            throw container.invalid(.customer, "points or a card need a customer")
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a count of points: 0 to ``InputBounds/maxPointsPerEntry``.
    func decodeCount(forKey key: Key) throws -> Int64 {
        let value = try decodeInteger(forKey: key)
        guard (0...InputBounds.maxPointsPerEntry).contains(value) else {
            throw invalid(key, "must be between 0 and \(InputBounds.maxPointsPerEntry)")
        }
        return value
    }
}
