import Foundation
import Hummingbird

/// Admits requests that carry a registered, unrevoked terminal's token, and
/// records the terminal in the context for the route to check against.
struct TerminalAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext

    let store: any HubStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.bearerToken else {
            throw HubError(.unauthorized, "missing terminal token: send Authorization: Bearer TOKEN")
        }
        let hash = TerminalToken.hash(token)
        guard let terminal = try await store.terminal(tokenHash: hash) else {
            throw HubError(.unauthorized, "unknown terminal token")
        }
        if terminal.isRevoked {
            throw HubError(.terminalRevoked, "terminal \(terminal.id) was revoked; register the device again to get a new token")
        }
        var context = context
        context.terminal = terminal
        return try await next(request, context)
    }
}

/// Admits requests that carry the hub's admin token.
struct AdminAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext

    let adminToken: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.bearerToken, TerminalToken.constantTimeEquals(token, adminToken) else {
            throw HubError(.unauthorized, "admin endpoints need Authorization: Bearer with the token in DIR/admin-token")
        }
        return try await next(request, context)
    }
}

extension Request {
    /// The token of an `Authorization: Bearer TOKEN` header.
    var bearerToken: String? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
