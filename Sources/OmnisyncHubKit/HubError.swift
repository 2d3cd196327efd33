/// Why a hub operation failed, with a stable code and a message a support
/// engineer (or an integrator reading an HTTP error body) can act on.
public struct HubError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No token, or a token the hub does not know.
        case unauthorized
        /// The terminal's token was revoked.
        case terminalRevoked = "terminal_revoked"
        /// Authenticated, but not allowed (pushing as another terminal).
        case forbidden
        /// The request is not valid JSON, or a field is wrong.
        case malformedRequest = "malformed_request"
        /// The request body exceeds the hub's limit.
        case payloadTooLarge = "payload_too_large"
        /// The body's encoding is not one the hub reads (it reads gzip).
        case unsupportedMediaType = "unsupported_media_type"
        /// A resent sequence number carries a different entry: the terminal's journal was reset.
        case sequenceConflict = "sequence_conflict"
        case unknownTerminal = "unknown_terminal"
        case terminalExists = "terminal_exists"
        /// A channel integration of that name is already registered.
        case channelExists = "channel_exists"
        /// The channel integration's token was revoked.
        case channelRevoked = "channel_revoked"
        case notFound = "not_found"
        /// A terminal asked more than its share (card lookups per minute).
        case tooManyRequests = "too_many_requests"
        /// The hub's configuration (data dir, database URL, certificates) is unusable.
        case configuration
        /// The database failed.
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
