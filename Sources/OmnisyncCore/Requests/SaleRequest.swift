/// A sale as point-of-sale software submits it (`record sale`).
public struct SaleRequest: Hashable, Sendable {
    public var reference: CustomerReference
    public var lines: [SaleLine]
    public var total: Money
    public var receipt: String?
    public var pointsRedeemed: Int64

    public init(reference: CustomerReference = .init(), lines: [SaleLine], total: Money, receipt: String? = nil, pointsRedeemed: Int64 = 0) {
        self.reference = reference
        self.lines = lines
        self.total = total
        self.receipt = receipt
        self.pointsRedeemed = pointsRedeemed
    }
}

extension SaleRequest: Decodable {
    enum CodingKeys: String, CodingKey {
        case card, customer, lines, total, receipt, pointsRedeemed
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
        self.init(reference: reference, lines: body.lines, total: body.total, receipt: body.receipt, pointsRedeemed: redeemed)
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
