/// A marketing channel a customer can opt in to or out of.
public enum ConsentChannel: String, CaseIterable, Codable, Hashable, Comparable, Sendable, CodingKeyRepresentable {
    case email, sms

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A customer's consent on one channel.
public enum ConsentValue: String, Codable, Hashable, Sendable {
    case optedIn = "in"
    case optedOut = "out"
}
