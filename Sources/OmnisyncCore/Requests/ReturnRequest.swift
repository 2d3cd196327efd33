/// Goods brought back (`record return`): like a sale, naming the original receipt.
public struct ReturnRequest: Hashable, Sendable {
    public var reference: CustomerReference
    public var lines: [SaleLine]
    public var total: Money
    public var receipt: String?
    public var originalReceipt: String

    public init(reference: CustomerReference = .init(), lines: [SaleLine], total: Money, receipt: String? = nil, originalReceipt: String) {
        self.reference = reference
        self.lines = lines
        self.total = total
        self.receipt = receipt
        self.originalReceipt = originalReceipt
    }
}

extension ReturnRequest: Decodable {
    enum CodingKeys: String, CodingKey {
        case card, customer, lines, total, receipt, originalReceipt
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let reference = try container.decodeReference(customer: .customer, card: .card)
        // A return's total is the amount refunded, so it is not negative either.
        let body = try ReceiptBody(from: container, lines: .lines, total: .total, receipt: .receipt)
        guard let original = try container.decodeReceipt(forKey: .originalReceipt) else {
            throw DecodingError.keyNotFound(CodingKeys.originalReceipt, .init(codingPath: container.codingPath, debugDescription: ""))
        }
        self.init(reference: reference, lines: body.lines, total: body.total, receipt: body.receipt, originalReceipt: original)
    }
}
