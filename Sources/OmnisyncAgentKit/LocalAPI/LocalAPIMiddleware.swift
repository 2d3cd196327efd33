import Foundation
import Hummingbird
import Logging

/// Logs each request of the local API and gives every failure a JSON body.
///
/// The log names the route pattern (`/v1/customers/:id`), never the concrete
/// path, and never a body: paths and bodies carry customer ids and cards.
/// Errors that are not ours (Hummingbird's 404 for an unknown route, its 405)
/// keep their status and get the JSON body callers parse; anything else is an
/// unexpected failure, logged with its detail and answered 500.
struct LocalAPIMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        func log(_ status: HTTPResponse.Status) {
            let elapsed = started.duration(to: .now)
            let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            context.logger.debug("local API request", metadata: [
                "method": "\(request.method)", "route": "\(route)", "status": "\(status.code)", "ms": "\(String(format: "%.1f", millis))",
            ])
        }
        do {
            let response = try await next(request, context)
            log(response.status)
            return response
        } catch let error as AgentError {
            log(error.status)
            if error.status.code >= 500 {
                context.logger.error("local API request failed", metadata: ["route": "\(route)", "code": "\(error.code.rawValue)", "error": "\(error.message)"])
            }
            throw error
        } catch let error as LocalAPIError {
            log(error.status)
            throw error
        } catch let error as any HTTPResponseError {
            log(error.status)
            throw LocalAPIError(error.status, code: Self.code(error.status), "\(error.status.code) \(error.status.reasonPhrase) for \(request.method) \(request.uri.path)")
        } catch {
            log(.internalServerError)
            context.logger.error("local API request failed", metadata: ["route": "\(route)", "error": "\(error)"])
            throw LocalAPIError(.internalServerError, code: "internal", "the agent failed to handle this request; see its log")
        }
    }

    /// A status's reason phrase in the camel case of ``AgentError`` codes: `Not Found` is `notFound`.
    static func code(_ status: HTTPResponse.Status) -> String {
        let words = status.reasonPhrase.split(whereSeparator: { !$0.isLetter }).map { $0.lowercased() }
        guard let first = words.first else { return "http\(status.code)" }
        return first + words.dropFirst().map(\.capitalized).joined()
    }
}
