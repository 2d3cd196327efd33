public import Foundation
public import Hummingbird
import HTTPTypes
import Logging
import OmnisyncCore

/// The hub's HTTP API (see `docs/protocol.md`):
///
/// - `GET  /healthz`: liveness, no authentication;
/// - `POST /v1/push`: a terminal's batch of entries (terminal token);
/// - `GET  /v1/pull?cursor=C&limit=N`: profile changes for the terminal's store;
/// - `POST /v1/customers/lookup` `{"card": N}`: the customer holding a card, from now on
///   also sent to the terminal's store;
/// - `GET  /v1/prices?since=V`: the price list's changes since version V for the terminal's store (``PriceDelta``);
/// - `POST /v1/orders`: an order of another channel (channel token), applied once per order id;
/// - `GET  /v1/admin/status`: terminals and operator counts (admin token);
/// - `GET  /v1/admin/customers/ID[?reveal=true]`: the merged customer view;
/// - `GET  /metrics`: Prometheus metrics (admin token; ``HubMetrics``);
/// - `/dashboard/...`: the head-office dashboard (``DashboardRoutes``).
///
/// Every error is a JSON body `{"error":{"code","message"}}`.
public enum HubRouter {
    public static func make(
        store: any HubStore,
        adminToken: String,
        bindsClientCertificates: Bool = false,
        metrics: HubMetrics = HubMetrics(),
        now: @escaping @Sendable () -> Date = Date.init
    ) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: RequestLogMiddleware(metrics: metrics))
        router.add(middleware: ErrorLoggingMiddleware())

        router.get("healthz") { _, _ in
            JSONResponse(value: ["status": "ok"])
        }

        let terminals = router.group("v1").add(middleware: TerminalAuthenticator(store: store, bindsClientCertificates: bindsClientCertificates))
        terminals.post("push") { request, context in
            let terminal = try context.authenticatedTerminal()
            let contact = TerminalContact(receivedAt: now(), sentAt: request.sentAt)
            var request = request
            let batch = try await request.decodePush(context: context)
            guard batch.terminal == terminal.id else {
                throw HubError(.forbidden, "this token belongs to terminal \(terminal.id); it cannot push entries of \(batch.terminal)")
            }
            if let foreign = batch.entries.first(where: { $0.terminal != nil && $0.terminal != terminal.id.rawValue }) {
                throw HubError(.forbidden, "entry seq \(foreign.seq) names terminal \(foreign.terminal!); terminal \(terminal.id) can only push its own entries")
            }
            let answer = try await store.push(batch, from: terminal, contact: contact)
            metrics.recordPush(stored: answer.stored, duplicates: answer.duplicates, quarantined: answer.quarantined)
            context.logger.info("push stored", metadata: [
                "terminal": "\(terminal.id)", "stored": "\(answer.stored)", "duplicates": "\(answer.duplicates)",
                "acknowledgedSeq": "\(answer.acknowledgedSeq)", "backlog": "\(batch.backlog)",
            ])
            if answer.quarantined > 0 {
                context.logger.warning("entries quarantined", metadata: ["terminal": "\(terminal.id)", "count": "\(answer.quarantined)"])
            }
            return JSONResponse(value: answer)
        }
        terminals.get("pull") { request, context in
            let terminal = try context.authenticatedTerminal()
            let contact = TerminalContact(receivedAt: now(), sentAt: request.sentAt)
            let query = request.uri.queryParameters
            let cursor = query["cursor"].map(String.init)
            var limit = 500
            if let text = query["limit"] {
                guard let value = Int(text), (1...1000).contains(value) else {
                    throw HubError(.malformedRequest, "limit must be an integer from 1 to 1000")
                }
                limit = value
            }
            let page = try await store.pull(for: terminal, after: cursor, limit: limit, contact: contact)
            let body = try PullResponse.body(
                profiles: page.profiles, cursor: page.cursor, hasMore: page.hasMore,
                policy: try await store.policy(for: terminal.store), serverTime: now()
            )
            return EncodedJSONResponse(body: body)
        }
        terminals.get("prices") { request, context in
            let terminal = try context.authenticatedTerminal()
            var since: Int64 = 0
            if let text = request.uri.queryParameters["since"] {
                guard let value = Int64(text), value >= 0 else {
                    throw HubError(.malformedRequest, "since must be the price-list version the terminal has (0 for none)")
                }
                since = value
            }
            // What the terminal runs, for the stale price lists `status` shows
            // (written only when it changes: most rounds ask with the same).
            if terminal.priceListVersion != since {
                try await store.recordPriceListVersion(since, of: terminal.id, at: now())
            }
            return CompressibleJSONResponse(encoded: try await store.priceChanges(since: since, for: terminal.store).body)
        }
        terminals.post("customers/lookup") { request, context in
            let terminal = try context.authenticatedTerminal()
            var request = request
            let card = try await request.decodeJSON(CardLookupRequest.self, context: context).card
            guard let profile = try await store.lookUp(card: card, for: terminal, contact: TerminalContact(receivedAt: now(), sentAt: request.sentAt)) else {
                throw HubError(.notFound, "no customer holds card \(card.masked)")
            }
            return JSONResponse(value: profile)
        }

        let channels = router.group("v1").add(middleware: ChannelAuthenticator(store: store))
        channels.post("orders") { request, context in
            guard let channel = context.salesChannel else { throw HubError(.unauthorized, "missing channel token") }
            var request = request
            let order = try await request.decodeJSON(OnlineOrder.self, context: context)
            guard order.channel == channel.name else {
                throw HubError(.forbidden, "this token belongs to channel \(channel.name); it cannot send orders of channel \(order.channel)")
            }
            guard let outcome = try await store.recordOnlineOrders([order], at: now()).first else {
                throw HubError(.storage, "the order was not recorded; send it again")
            }
            context.logger.info("online order", metadata: [
                "channel": "\(channel.name)", "status": "\(outcome.status.rawValue)", "customer": "\(outcome.customer.map(\.rawValue) ?? "-")",
            ])
            if let reason = outcome.reason {
                context.logger.warning("online order quarantined", metadata: ["channel": "\(channel.name)", "reason": "\(reason)"])
            }
            return JSONResponse(value: outcome)
        }

        router.group("metrics").add(middleware: AdminAuthenticator(adminToken: adminToken)).get { _, _ in
            let text = metrics.exposition(of: try await store.status(), at: now())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }

        DashboardRoutes.add(to: router, store: store, adminToken: adminToken, now: now)

        let admin = router.group("v1/admin").add(middleware: AdminAuthenticator(adminToken: adminToken))
        admin.get("status") { _, _ in
            JSONResponse(value: try await store.status())
        }
        admin.get("customers/:id") { request, context in
            let text = try context.parameters.require("id")
            guard let id = CustomerID(rawValue: text) else {
                throw HubError(.malformedRequest, InvalidIdentifier(noun: CustomerKind.noun, value: text).message)
            }
            guard let record = try await store.customer(id: id) else {
                throw HubError(.notFound, "no customer \(id) at the hub")
            }
            let reveal = request.uri.queryParameters["reveal"] == "true"
            return JSONResponse(value: try await HubCustomerView.read(record, reveal: reveal, from: store))
        }
        return router
    }
}

extension Request {
    /// The terminal's wall clock when it sent the request (`Omnisync-Sent-At`).
    var sentAt: Date? {
        guard let name = HTTPField.Name("Omnisync-Sent-At"), let value = headers[name] else { return nil }
        return RFC3339.parse(value)
    }
}
