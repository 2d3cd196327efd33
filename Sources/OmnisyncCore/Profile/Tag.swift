/// An interest or marketing tag on a customer (`running`, `vip-event-2026`).
///
/// Tags are trimmed and lower-cased so `Running ` and `running` are one tag.
public struct Tag: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 1 to 64 characters after trimming; no control characters.
    public init?(rawValue: String) {
        let value = rawValue.trimmingWhitespace().lowercased()
        guard (1...64).contains(value.count), !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        self.rawValue = value
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Tag: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let tag = Tag(rawValue: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a tag must be 1-64 printable characters")
        }
        self = tag
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension Tag: CodingKeyRepresentable {
    public var codingKey: any CodingKey { AnyCodingKey(rawValue) }

    public init?<T: CodingKey>(codingKey: T) {
        self.init(rawValue: codingKey.stringValue)
    }
}
