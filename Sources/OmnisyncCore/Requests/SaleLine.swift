/// One line of a sale or return receipt.
public struct SaleLine: Hashable, Sendable {
    public var sku: String
    public var quantity: Int64
    public var unitPrice: Money

    public init(sku: String, quantity: Int64, unitPrice: Money) {
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
    }
}

extension SaleLine: Codable {
    enum CodingKeys: String, CodingKey {
        case sku, quantity, unitPrice
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let sku = try container.decode(String.self, forKey: .sku)
        guard (1...64).contains(sku.count), !sku.contains(where: \.isWhitespace) else {
            throw container.invalid(.sku, "must be 1-64 characters without spaces")
        }
        let quantity = try container.decodeInteger(forKey: .quantity)
        guard (1...1_000_000).contains(quantity) else {
            throw container.invalid(.quantity, "must be between 1 and 1000000")
        }
        let unitPrice = try container.decode(Money.self, forKey: .unitPrice)
        guard unitPrice.amount >= 0 else {
            throw container.invalid(.unitPrice, "must not be negative")
        }
        self.init(sku: sku, quantity: quantity, unitPrice: unitPrice)
    }
}

/// What sales and returns share: their lines, their total and a receipt number.
struct ReceiptBody {
    var lines: [SaleLine]
    var total: Money
    var receipt: String?

    /// Decodes and checks them: a non-negative total, at least one line, every
    /// line in the total's currency.
    init<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, lines linesKey: Key, total totalKey: Key, receipt receiptKey: Key) throws {
        total = try container.decode(Money.self, forKey: totalKey)
        guard total.amount >= 0 else { throw container.invalid(totalKey, "must not be negative") }
        lines = try container.decode([SaleLine].self, forKey: linesKey).validated(against: total, in: container, linesKey: linesKey)
        receipt = try container.decodeReceipt(forKey: receiptKey)
    }
}

extension Array where Element == SaleLine {
    /// Validates that a receipt has lines, all in the currency of its total.
    func validated<Key: CodingKey>(
        against total: Money,
        in container: KeyedDecodingContainer<Key>,
        linesKey: Key
    ) throws -> Self {
        guard !isEmpty else { throw container.invalid(linesKey, "must list at least one line") }
        if let index = firstIndex(where: { $0.unitPrice.currency != total.currency }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [linesKey, AnyCodingKey(intValue: index)!, AnyCodingKey("unitPrice")],
                debugDescription: "currency \(self[index].unitPrice.currency) differs from the total's \(total.currency)"
            ))
        }
        return self
    }
}
