import HTTPTypes
import Hummingbird
import Logging

/// The hub's access log and request metrics: one structured line per request
/// with the method, the route *pattern*, the status, the error code if any, and
/// the duration; the same figures counted in ``HubMetrics``.
///
/// Concrete paths and query strings are never logged (they can carry
/// identifiers and cursors), nor error messages (a 400 may quote what the
/// client sent): the route, status and stable error code are enough to tell
/// which terminal-facing rule fired, and the terminal shows the full message.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let metrics: HubMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status, code: nil, since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            log(request, context, status: status, code: (error as? HubError)?.code.rawValue, since: started)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: HTTPResponse.Status, code: String?, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        metrics.recordRequest(route: context.endpointPath ?? "unmatched", method: "\(request.method)", status: status.code, duration: elapsed)
        var metadata: Logger.Metadata = [
            "method": "\(request.method)",
            "route": "\(context.endpointPath ?? "unmatched")",
            "status": "\(status.code)",
            "ms": "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000)",
        ]
        if let code { metadata["error"] = "\(code)" }
        context.logger.log(level: status.code >= 500 ? .error : .info, "request", metadata: metadata)
    }
}
