import Foundation
import Hummingbird

/// Admits dashboard requests with a valid session cookie. A page asked for
/// without one is redirected to the sign-in page; a form post is refused (401).
struct DashboardAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext

    let adminToken: String
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let session = request.cookies[DashboardSession.cookieName]?.value,
            DashboardSession.isValid(session, for: .session, adminToken: adminToken, now: now())
        {
            return try await next(request, context)
        }
        guard request.method == .get else {
            throw HubError(.unauthorized, "your dashboard session has ended; sign in again")
        }
        return DashboardPages.redirect(to: "/dashboard/login")
    }
}
