import Foundation
public import Hummingbird
import OmnisyncCore

/// The agent's local API for point-of-sale software (see `docs/pos-integration.md`):
///
/// - `POST /v1/record/{sale|return|scan|profile}`: the entry's JSON, as
///   `omnisync-agent record KIND --json-file` takes it; `201` with
///   `{"id","seq","customer","enrolled","priceOverrides"}` once the entry is durable;
/// - `GET  /v1/customers/ID[?reveal=true]`: the customer as
///   `customers show --json` prints them;
/// - `POST /v1/customers/lookup[?reveal=true&offline=true]` `{"card": N}`: the
///   customer holding a card, asking the hub about a card this terminal does
///   not know unless `offline=true` (the card travels in the body: URLs end up
///   in logs);
/// - `POST /v1/prices/quote` `{"sku", "card"?, "at"?, "currency"?}`: the price
///   here, offline, as `prices show --json` prints it;
/// - `GET  /v1/status`: what `status --json` prints;
/// - `GET  /healthz`: `{"status":"ok"}` while the daemon runs;
/// - `GET  /metrics`: Prometheus metrics (``AgentMetrics``).
///
/// Every error is `{"error":{"code","message"}}` with a 4xx the caller can
/// act on (or 502/503 when the hub or the disk fails).
public enum LocalAPIRouter {
    public static func make(agent: Agent, recorder: GroupRecorder, metrics: AgentMetrics = AgentMetrics()) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: LocalAPIMiddleware())

        router.get("healthz") { _, _ in
            try LocalAPIResponse.json(["status": "ok"])
        }
        router.post("v1/record/:kind") { request, context in
            let name = try context.parameters.require("kind")
            guard let kind = JournalEvent.Kind(rawValue: name) else {
                let kinds = JournalEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw LocalAPIError(.notFound, code: "notFound", "no entry kind '\(name)'; record one of: \(kinds)")
            }
            let entry = try RecordRequest.decode(kind, from: try await LocalAPIResponse.body(of: request))
            let receipt = try await recorder.record(entry)
            return try LocalAPIResponse.json(receipt, status: .created)
        }
        router.get("v1/customers/:id") { request, context in
            let text = try context.parameters.require("id")
            guard let id = CustomerID(rawValue: text) else {
                throw AgentError(.invalidInput, InvalidIdentifier(noun: CustomerKind.noun, value: text).message)
            }
            let profile = try agent.lookUp(id: id)
            return try LocalAPIResponse.json(CustomerView(profile, reveal: request.flag("reveal")))
        }
        router.post("v1/customers/lookup") { request, _ in
            let card: CardNumber
            do {
                card = try WireCoding.decode(CardLookupRequest.self, from: try await LocalAPIResponse.body(of: request)).card
            } catch let error as LocalAPIError {
                throw error
            } catch {
                throw AgentError(.invalidInput, "invalid lookup: \(error)")
            }
            let profile = try await agent.lookUp(card: card, reach: request.flag("offline") ? .localOnly : .askingHub)
            return try LocalAPIResponse.json(CustomerView(profile, reveal: request.flag("reveal")))
        }
        router.post("v1/prices/quote") { request, _ in
            let question: PriceQuoteRequest
            do {
                question = try WireCoding.decode(PriceQuoteRequest.self, from: try await LocalAPIResponse.body(of: request))
            } catch let error as LocalAPIError {
                throw error
            } catch {
                throw AgentError(.invalidInput, "invalid price question: \(error)")
            }
            return try LocalAPIResponse.json(try agent.price(of: question.sku, card: question.card, at: question.at ?? Date(), currency: question.currency))
        }
        router.get("v1/status") { _, _ in
            try LocalAPIResponse.json(try agent.status())
        }
        router.get("metrics") { _, _ in
            let text = metrics.exposition(of: try agent.status(), at: Date())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
        return router
    }
}

extension Request {
    /// True when the query has `name=true`.
    fileprivate func flag(_ name: String) -> Bool {
        uri.queryParameters[name[...]] == "true"
    }
}
