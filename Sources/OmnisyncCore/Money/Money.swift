/// An amount of money in minor units (cents) of a currency.
///
/// Money is never a floating-point number: `{ "amount": 1299, "currency": "EUR" }`
/// is 12.99 euros, exactly.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    public var amount: Int64
    public var currency: Currency

    public init(amount: Int64, currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    /// The number of whole currency units, rounded towards zero (12 for 12.99 EUR).
    public var wholeUnits: Int64 { amount / currency.minorUnitsPerUnit }

    /// `12.99 EUR`, `-3.50 EUR`, `1200 JPY`.
    public var description: String {
        let digits = currency.minorUnitDigits
        guard digits > 0 else { return "\(amount) \(currency)" }
        let perUnit = currency.minorUnitsPerUnit
        let magnitude = amount.magnitude
        let major = magnitude / UInt64(perUnit)
        let minor = String(magnitude % UInt64(perUnit))
        let padded = String(repeating: "0", count: digits - minor.count) + minor
        return "\(amount < 0 ? "-" : "")\(major).\(padded) \(currency)"
    }
}

extension Money: Codable {
    enum CodingKeys: String, CodingKey {
        case amount, currency
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.amount = try container.decodeInteger(forKey: .amount)
        self.currency = try container.decode(Currency.self, forKey: .currency)
    }
}
