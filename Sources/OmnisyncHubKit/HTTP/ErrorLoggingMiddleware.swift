import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OmnisyncCore

/// Turns unexpected errors into JSON 500s and logs them.
///
/// Expected errors (``HubError``, Hummingbird's own HTTP errors) pass through
/// to be rendered by their type. Anything else is a bug or an outage: the
/// terminal gets a JSON body that says to look at the hub's log, and the log
/// gets the detail with the route pattern (`/v1/admin/customers/:id`, never
/// the concrete path: paths can carry identifiers).
struct ErrorLoggingMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HubError {
            if error.status == .internalServerError {
                context.logger.error("request failed", metadata: ["route": "\(context.endpointPath ?? "unmatched")", "error": "\(error.message)"])
            }
            throw error
        } catch let error as any HTTPResponseError {
            // Hummingbird's own answers (404 for an unknown route, 413...),
            // re-expressed with our JSON error body and the same status.
            throw FrameworkHTTPError(status: error.status, request: request)
        } catch {
            context.logger.error("request failed", metadata: ["route": "\(context.endpointPath ?? "unmatched")", "error": "\(error)"])
            throw HubError(.storage, "\(error)")
        }
    }
}

/// A status Hummingbird chose, answered with the hub's JSON error body.
struct FrameworkHTTPError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(status: HTTPResponse.Status, request: Request) {
        self.status = status
        self.message = "\(status.code) \(status.reasonPhrase) for \(request.method) \(request.uri.path)"
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let code = status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
        return try ErrorBody(code: code, message: message).response(status: status)
    }
}
