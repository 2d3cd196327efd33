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
        guard Self.isValidSKU(sku) else {
            throw container.invalid(.sku, "must be 1-64 characters without spaces")
        }
        let quantity = try container.decodeInteger(forKey: .quantity)
        guard (1...InputBounds.maxQuantity).contains(quantity) else {
            throw container.invalid(.quantity, "must be between 1 and \(InputBounds.maxQuantity)")
        }
        let unitPrice = try container.decode(Money.self, forKey: .unitPrice)
        guard (0...InputBounds.maxAmount).contains(unitPrice.amount) else {
            throw container.invalid(.unitPrice, "amount must be between 0 and \(InputBounds.maxAmount) minor units")
        }
        self.init(sku: sku, quantity: quantity, unitPrice: unitPrice)
    }

    /// `quantity × unitPrice` in minor units, or nil past ``InputBounds/maxAmount``.
    /// (Both factors are bounded when decoded, so the product cannot overflow.)
    /// A SKU is 1-64 characters without spaces.
    static func isValidSKU(_ sku: String) -> Bool {
        (1...64).contains(sku.count) && !sku.contains(where: \.isWhitespace)
    }

    /// A receipt number is 1-64 printable characters without spaces.
    static func isValidReceipt(_ receipt: String) -> Bool {
        (1...64).contains(receipt.count) && !receipt.contains(where: { $0.isWhitespace || $0.isNewline })
    }

    public var amount: Int64? {
        guard let product = quantity.checkedMultiplying(by: unitPrice.amount), product <= InputBounds.maxAmount else { return nil }
        return product
    }
}

/// What sales and returns share: their lines, their total and a receipt number.
struct ReceiptBody {
    var lines: [SaleLine]
    var total: Money
    var receipt: String?

    /// Decodes and checks them (the receipt rule of `docs/protocol.md`): one
    /// to ``InputBounds/maxLines`` lines, every line in the total's currency,
    /// and `0 ≤ total ≤ Σ quantity × unitPrice ≤` ``InputBounds/maxAmount``.
    /// Prices include tax; what the total falls short of the lines' sum is the
    /// receipt's discount. A total above the lines' sum is refused: it is a
    /// mistyped amount, not a sale.
    init<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, lines linesKey: Key, total totalKey: Key, receipt receiptKey: Key?) throws {
        total = try container.decode(Money.self, forKey: totalKey)
        guard total.amount >= 0 else { throw container.invalid(totalKey, "must not be negative") }
        lines = try container.decode([SaleLine].self, forKey: linesKey).validated(against: total, in: container, linesKey: linesKey, totalKey: totalKey)
        receipt = try receiptKey.flatMap { try container.decodeReceipt(forKey: $0) }
    }
}

extension Array where Element == SaleLine {
    /// Validates that a receipt has lines, all in the currency of its total.
    func validated<Key: CodingKey>(
        against total: Money,
        in container: KeyedDecodingContainer<Key>,
        linesKey: Key,
        totalKey: Key
    ) throws -> Self {
        guard !isEmpty else { throw container.invalid(linesKey, "must list at least one line") }
        guard count <= InputBounds.maxLines else {
            throw container.invalid(linesKey, "has \(count) lines; a receipt may have at most \(InputBounds.maxLines)")
        }
        if let index = firstIndex(where: { $0.unitPrice.currency != total.currency }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [linesKey, AnyCodingKey(intValue: index)!, AnyCodingKey("unitPrice")],
                debugDescription: "currency \(self[index].unitPrice.currency) differs from the total's \(total.currency)"
            ))
        }
        var sum: Int64 = 0
        for (index, line) in enumerated() {
            guard let amount = line.amount, let next = sum.checkedAdding(amount), next <= InputBounds.maxAmount else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: container.codingPath + [linesKey, AnyCodingKey(intValue: index)!],
                    debugDescription: "the lines add up to more than \(InputBounds.maxAmount) minor units, the largest amount a receipt may carry"
                ))
            }
            sum = next
        }
        guard total.amount <= sum else {
            throw container.invalid(
                totalKey,
                "\(total) is more than the lines add up to (\(Money(amount: sum, currency: total.currency))); the total is the lines' sum less any discount"
            )
        }
        return self
    }
}
