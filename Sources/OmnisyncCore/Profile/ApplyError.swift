/// Why an entry cannot be applied to a profile, although it decoded.
///
/// Every entry is bounded on its own (``InputBounds``); these are the limits
/// of what accumulates: a counter that would leave `Int64`, a profile that
/// would carry more tags than anyone reads. The profile is left exactly as it
/// was. At the till the entry is refused; at the hub it is quarantined,
/// acknowledged and counted, so it never blocks the terminal behind it.
public struct ApplyError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// A points counter would overflow.
        case pointsOverflow
        /// A running total of spend would overflow (the hub's activity projection).
        case spendOverflow
        /// The profile would carry more than ``InputBounds/maxTagsPerProfile`` tags.
        case tooManyTags
        /// The profile would keep more than ``InputBounds/maxTombstonesPerProfile`` tag removals.
        case tooManyTombstones
        /// The entry is about another customer (a caller that did not resolve merged ids).
        case wrongCustomer
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
