/// An email address as the chain matches customers by: trimmed and lower-cased.
///
/// Data cleaning on the way in (the CRM issue): the same person types
/// `Ada@Example.com ` on the web shop and `ada@example.com` at a till, and
/// both must find one customer. Lower-casing the local part is what every
/// large mail provider does in practice; an address that differs only in
/// case is taken for the same person. An address that is not one (no `@`,
/// no dot in the domain, spaces or control characters inside) is refused
/// rather than guessed at: the caller quarantines what carries it.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The normalised address, e.g. `ada@example.com`.
    public let value: String

    /// Normalises `text`; nil when it is not a usable address.
    public init?(normalizing text: String) {
        let trimmed = text.trimmingWhitespace().lowercased()
        guard trimmed.utf8.count <= 254, let at = trimmed.lastIndex(of: "@") else { return nil }
        let local = trimmed[..<at]
        let domain = trimmed[trimmed.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !local.contains("@"),
            local.unicodeScalars.allSatisfy(Self.isLocalScalar),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy(Self.isDomainLabel) else { return nil }
        value = trimmed
    }

    public var description: String { value }

    /// Printable, not a space, not one of the characters an unquoted local part excludes.
    private static func isLocalScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value >= 0x80 { return scalar.properties.isAlphabetic || scalar.properties.numericType != nil }
        guard scalar.value > 0x20, scalar.value < 0x7F else { return false }
        return !"()<>[]:;@\\,\"".unicodeScalars.contains(scalar)
    }

    /// Letters (any script, for internationalised domains), digits and
    /// inner hyphens; 1 to 63 characters.
    private static func isDomainLabel(_ label: Substring) -> Bool {
        guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
        return label.unicodeScalars.allSatisfy { scalar in
            scalar == "-" || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                || (scalar.value >= 0x80 && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil))
        }
    }
}
