/// Why an agent operation failed, in words a support engineer can act on.
///
/// `code` is stable (scripts and tests match on it); `message` is one line
/// that says what is wrong and, where there is one, what to do about it.
public struct AgentError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The data dir has no agent: run `omnisync-agent init`.
        case notInitialized
        /// `init` over a data dir that still holds entries the hub has not acknowledged.
        case unacknowledgedEntries
        /// The JSON or flags describing an entry are wrong.
        case invalidInput
        /// The customer (or card) asked about is not known here (nor at the hub, when it was asked).
        case notFound
        /// A loyalty card is already attached to another customer.
        case cardConflict
        /// A redemption exceeds what the customer can spend.
        case insufficientPoints
        /// A sale names an offer the customer cannot use here now (not theirs,
        /// used up, outside its window, or the terminal too long unsynced).
        case offerNotAvailable
        /// The hub could not be reached (network, DNS, TLS, timeout).
        case hubUnreachable
        /// The hub answered with an error (bad token, revoked terminal, conflict).
        case hubRejected
        /// The hub's answers contradict this journal (it was reset or replaced).
        case journalMismatch
        /// The journal or local store failed an integrity check.
        case corrupt
        /// Reading or writing local files or the database failed (disk full, permissions).
        case storage
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
