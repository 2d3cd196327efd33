/// An ISO 4217 currency code (`EUR`, `USD`, `JPY`).
public struct Currency: ValidatedString, CustomStringConvertible {
    public let rawValue: String

    /// Accepts three upper-case ASCII letters.
    public init?(rawValue: String) {
        guard rawValue.utf8.count == 3,
            rawValue.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
        else { return nil }
        self.rawValue = rawValue
    }

    /// How many minor units make one major unit, as a power of ten: 2 for EUR
    /// (cents), 0 for JPY, 3 for KWD.
    ///
    /// Loyalty points are earned per whole currency unit, so this matters for
    /// every sale. Currencies not listed use two digits, the ISO 4217 norm.
    public var minorUnitDigits: Int {
        switch rawValue {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
            "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            3
        default:
            2
        }
    }

    /// The number of minor units in one major unit (100 for EUR).
    public var minorUnitsPerUnit: Int64 {
        var result: Int64 = 1
        for _ in 0..<minorUnitDigits { result *= 10 }
        return result
    }

    public var description: String { rawValue }

    public static let invalidValueMessage = "expected an ISO 4217 currency code such as \"EUR\""
}
