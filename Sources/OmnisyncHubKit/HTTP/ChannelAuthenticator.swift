import Foundation
import Hummingbird

/// Admits requests that carry a registered, unrevoked channel integration's
/// token (`omnisync-hub channels add NAME`), and records the channel in the
/// context: an integration sends only its own channel's orders.
struct ChannelAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext

    let store: any HubStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.bearerToken else {
            throw HubError(.unauthorized, "missing channel token: send Authorization: Bearer TOKEN (from `omnisync-hub channels add NAME`)")
        }
        guard let channel = try await store.channel(tokenHash: TerminalToken.hash(token)) else {
            throw HubError(.unauthorized, "unknown channel token")
        }
        if channel.isRevoked {
            throw HubError(.channelRevoked, "channel \(channel.name) was revoked; register the integration again to get a new token")
        }
        var context = context
        context.salesChannel = channel
        return try await next(request, context)
    }
}
