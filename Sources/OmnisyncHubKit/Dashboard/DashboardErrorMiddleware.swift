import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns a dashboard route's error into an HTML page with the same status and
/// message the JSON API would give, so a person sees what to do instead of a
/// JSON body.
struct DashboardErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    let adminToken: String
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HubError {
            if error.status.code >= 500 {
                context.logger.error("dashboard request failed", metadata: ["route": "\(context.endpointPath ?? "NotFound")", "error": "\(error.message)"])
            }
            return DashboardPages.errorPage(status: error.status, message: error.message, now: now())
        } catch let error as any HTTPResponseError {
            return DashboardPages.errorPage(status: error.status, message: error.status.reasonPhrase, now: now())
        }
    }
}
