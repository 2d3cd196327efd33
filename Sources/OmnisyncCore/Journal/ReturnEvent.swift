/// A return as the journal records it, with the points it takes back.
public struct ReturnEvent: Hashable, Sendable, Codable {
    public var customer: CustomerID?
    public var card: CardNumber?
    public var lines: [SaleLine]
    public var total: Money
    public var receipt: String?
    public var originalReceipt: String
    /// Points taken back from the customer's earned balance.
    public var pointsReversed: Int64

    public init(customer: CustomerID?, card: CardNumber?, lines: [SaleLine], total: Money, receipt: String?, originalReceipt: String, pointsReversed: Int64) {
        self.customer = customer
        self.card = card
        self.lines = lines
        self.total = total
        self.receipt = receipt
        self.originalReceipt = originalReceipt
        self.pointsReversed = pointsReversed
    }

    enum CodingKeys: String, CodingKey {
        case customer, card, lines, total, receipt, originalReceipt, pointsReversed
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        customer = try container.decodeIfPresent(CustomerID.self, forKey: .customer)
        card = try container.decodeIfPresent(CardNumber.self, forKey: .card)
        let body = try ReceiptBody(from: container, lines: .lines, total: .total, receipt: .receipt)
        (lines, total, receipt) = (body.lines, body.total, body.receipt)
        originalReceipt = try container.decodeReceipt(forKey: .originalReceipt) ?? ""
        if originalReceipt.isEmpty { throw container.invalid(.originalReceipt, "missing field") }
        pointsReversed = try container.decodeCount(forKey: .pointsReversed)
        if customer == nil && (card != nil || pointsReversed > 0) {
            throw container.invalid(.customer, "points or a card need a customer")
        }
    }
}
