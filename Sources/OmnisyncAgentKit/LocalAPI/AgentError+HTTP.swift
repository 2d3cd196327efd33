public import Hummingbird
import OmnisyncCore

extension AgentError: HTTPResponseError {
    /// The HTTP status the local API answers this error with.
    ///
    /// 4xx: the caller can fix the request; 502: the hub could not answer a
    /// lookup; 503: the terminal's disk or database is failing (retry later,
    /// and call support: `omnisync-agent status` and `verify` say more).
    public var status: HTTPResponse.Status {
        switch code {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .cardConflict, .unacknowledgedEntries: .conflict
        case .insufficientPoints, .offerNotAvailable: .unprocessableContent
        case .hubUnreachable, .hubRejected: .badGateway
        case .notInitialized, .storage: .serviceUnavailable
        case .journalMismatch, .corrupt: .internalServerError
        }
    }

    /// `{"error":{"code","message"}}`, the body every Omnisync error has.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try LocalAPIResponse.json(ErrorBody(code: code.rawValue, message: message), status: status)
    }
}
