/// What an ``Identifier`` names, so that a terminal id can never be passed
/// where a customer id is expected.
public protocol IdentifierKind: Sendable {
    /// The noun used in error messages ("terminal id", "customer id").
    static var noun: String { get }
    /// Whether `value` is acceptable for this kind of identifier.
    static func isValid(_ value: String) -> Bool
}

extension IdentifierKind {
    /// Identifiers travel in URLs, file names, log lines and SQL, so they are
    /// restricted to a conservative alphabet: letters, digits, `.`, `_` and `-`,
    /// starting with a letter or digit, at most 64 characters.
    public static func isValid(_ value: String) -> Bool {
        Self.isPlainToken(value)
    }

    static func isPlainToken(_ value: String) -> Bool {
        guard let first = value.utf8.first, value.utf8.count <= 64 else { return false }
        guard first.isASCIIAlphanumeric else { return false }
        return value.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}

/// A validated, typed string identifier (terminal, store, customer, entry).
///
/// Identifiers are validated once, when they are made or decoded, so the rest of
/// the code can put them in URLs, SQL parameters and file names without checks.
public struct Identifier<Kind: IdentifierKind>: ValidatedString, CustomStringConvertible {
    public let rawValue: String

    /// Returns nil when `rawValue` is not a valid identifier of this kind.
    public init?(rawValue: String) {
        guard Kind.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Wraps a value already known to be valid (another validated identifier),
    /// skipping the check on hot paths.
    init(alreadyValidated value: String) {
        self.rawValue = value
    }

    /// Validates `value`, throwing an error that names the kind of identifier.
    public init(validating value: String) throws(InvalidIdentifier) {
        guard let identifier = Self(rawValue: value) else {
            throw InvalidIdentifier(noun: Kind.noun, value: value)
        }
        self = identifier
    }

    public var description: String { rawValue }

    public static var invalidValueMessage: String {
        "invalid \(Kind.noun): use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    }
}

/// A string that is not a valid identifier of the expected kind.
public struct InvalidIdentifier: Error, Equatable, Sendable, CustomStringConvertible {
    public let noun: String
    public let value: String

    public init(noun: String, value: String) {
        self.noun = noun
        self.value = value
    }

    public var message: String {
        "invalid \(noun) '\(value.prefix(80))': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    }

    public var description: String { message }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9"))
    }
}
