public import HTTPTypes
public import Hummingbird
import OmnisyncCore

extension HubError: HTTPResponseError {
    /// The HTTP status each error answers with.
    public var status: HTTPResponse.Status {
        switch code {
        case .unauthorized, .terminalRevoked, .channelRevoked: .unauthorized
        case .forbidden: .forbidden
        case .malformedRequest: .badRequest
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .sequenceConflict, .terminalExists, .channelExists: .conflict
        case .unknownTerminal, .notFound: .notFound
        case .tooManyRequests: .tooManyRequests
        case .configuration, .storage: .internalServerError
        }
    }

    /// `{"error":{"code","message"}}`; storage and configuration details stay
    /// in the hub's log rather than reaching a terminal.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let message = status == .internalServerError ? "the hub failed to handle this request; see the hub's log" : self.message
        return try ErrorBody(code: code.rawValue, message: message).response(status: status)
    }
}
