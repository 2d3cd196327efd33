/// A sale as point-of-sale software submits it (`record sale`).
public struct SaleRequest: Hashable, Sendable {
    public var reference: CustomerReference
    public var lines: [SaleLine]
    public var total: Money
    public var receipt: String?
    public var pointsRedeemed: Int64
    /// Who rang it up: an id from the POS software, kept with any price
    /// override the sale records.
    public var cashier: String?
    /// The campaign whose offer the customer uses (`"offer": "CAMPAIGN-ID"`).
    public var offer: CampaignID?

    public init(
        reference: CustomerReference = .init(), lines: [SaleLine], total: Money, receipt: String? = nil, pointsRedeemed: Int64 = 0, cashier: String? = nil,
        offer: CampaignID? = nil
    ) {
        self.reference = reference
        self.lines = lines
        self.total = total
        self.receipt = receipt
        self.pointsRedeemed = pointsRedeemed
        self.cashier = cashier
        self.offer = offer
    }
}

extension SaleRequest: Decodable {
    enum CodingKeys: String, CodingKey {
        case card, customer, lines, total, receipt, pointsRedeemed, cashier, offer
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let reference = try container.decodeReference(customer: .customer, card: .card)
        let body = try ReceiptBody(from: container, lines: .lines, total: .total, receipt: .receipt)
        let redeemed = try container.decodeIntegerIfPresent(forKey: .pointsRedeemed) ?? 0
        guard (0...InputBounds.maxPointsPerEntry).contains(redeemed) else {
            throw container.invalid(.pointsRedeemed, "must be between 0 and \(InputBounds.maxPointsPerEntry)")
        }
        if redeemed > 0 && reference.isAnonymous {
            throw container.invalid(.pointsRedeemed, "needs a customer or card to redeem from")
        }
        let cashier = try container.decodeCashier(forKey: .cashier)
        let offer = try container.decodeIfPresent(CampaignID.self, forKey: .offer)
        if offer != nil && reference.isAnonymous {
            throw container.invalid(.offer, "needs a customer or card: offers are the customer's")
        }
        self.init(
            reference: reference, lines: body.lines, total: body.total, receipt: body.receipt, pointsRedeemed: redeemed, cashier: cashier, offer: offer
        )
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional receipt number: 1-64 printable characters.
    func decodeReceipt(forKey key: Key) throws -> String? {
        guard let receipt = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard SaleLine.isValidReceipt(receipt) else {
            throw invalid(key, "must be 1-64 characters without spaces")
        }
        return receipt
    }
}
