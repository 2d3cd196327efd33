import Foundation
import Hummingbird
import OmnisyncCore

/// Admits requests that carry a registered, unrevoked terminal's token, and
/// records the terminal in the context for the route to check against.
///
/// When the hub requires client certificates, the TLS handshake has already
/// proved the client holds a certificate from the client CA; this also checks
/// that the certificate was issued to the terminal the token names, so a
/// stolen token is useless without that terminal's key, and the reverse.
struct TerminalAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext

    let store: any HubStore
    /// True when the hub requires client certificates (mutual TLS).
    let bindsClientCertificates: Bool

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
        if bindsClientCertificates {
            let name = await context.clientCertificateName()
            guard name == terminal.id.rawValue else {
                throw HubError(
                    .forbidden,
                    "the client certificate is issued to \(name.map { "'\($0)'" } ?? "no name"), but the token belongs to terminal \(terminal.id); install the certificate issued to this terminal"
                )
            }
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
