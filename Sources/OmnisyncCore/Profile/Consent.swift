/// A marketing channel a customer can opt in to or out of.
public enum ConsentChannel: String, CaseIterable, Codable, Hashable, Comparable, Sendable, CodingKeyRepresentable {
    case email, sms

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Hashes the case, not its raw string (see ``ProfileField``).
    public func hash(into hasher: inout Hasher) { hasher.combine(self == .email ? 0 : 1) }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.email, .email), (.sms, .sms): true
        default: false
        }
    }
}

/// A customer's consent on one channel.
public enum ConsentValue: String, Codable, Hashable, Sendable {
    case optedIn = "in"
    case optedOut = "out"

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = ConsentValue(rawValue: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected \"in\" or \"out\"")
        }
        self = value
    }
}
