/// A string type whose values are checked when made: identifiers, card numbers,
/// currency codes, tags.
///
/// Conforming types get `Codable` (a JSON string, refused with
/// ``invalidValueMessage`` when `init?(rawValue:)` fails, so the error names the
/// field) and `CodingKeyRepresentable` (usable as JSON object keys).
public protocol ValidatedString: RawRepresentable, Hashable, Comparable, Sendable, Codable, CodingKeyRepresentable
where RawValue == String {
    /// Why a string was refused, for the one-line error that names the field.
    static var invalidValueMessage: String { get }
}

extension ValidatedString {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = Self(rawValue: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.invalidValueMessage)
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var codingKey: any CodingKey { AnyCodingKey(rawValue) }

    public init?<T: CodingKey>(codingKey: T) {
        self.init(rawValue: codingKey.stringValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
