import Foundation
import HTTPTypes
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Card lookups by terminals are audited (the card only as its last four
/// digits) and limited per terminal per minute, so a stolen terminal cannot
/// enumerate the chain's customers.
@Suite struct CardLookupAuditTests {
    @Test(arguments: StoreBackend.available) func lookupsAreAuditedAndATerminalOverItsShareIsRefusedWhileOthersAreNot(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        var settings = try await hub.store.settings()
        settings.cardLookupsPerMinute = 3
        try await hub.store.setSettings(settings)
        let paris = try await hub.register("T-PARIS", store: "S-1")
        let thief = try await hub.register("T-STOLEN", store: "S-2")
        let other = try await hub.register("T-LYON", store: "S-3")
        var factory = EntryFactory(terminal: "T-PARIS")
        let customer: CustomerID = factory.identifier()
        let card = CardNumber(rawValue: "40001234")!
        try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.sale(customer: customer, card: card, enrolled: true)]), paris)])

        let statuses = try await hub.test { client in
            var statuses: [HTTPResponse.Status] = []
            for number in ["40001234", "50000001", "50000002", "50000003"] {
                statuses.append(try await client.send(.post, "/v1/customers/lookup", token: thief, body: Data(#"{"card":"\#(number)"}"#.utf8)).0)
            }
            let (status, body) = try await client.send(.post, "/v1/customers/lookup", token: thief, body: Data(#"{"card":"40001234"}"#.utf8))
            statuses.append(status)
            #expect(body.errorCode == "too_many_requests")
            // Another terminal has its own share.
            statuses.append(try await client.send(.post, "/v1/customers/lookup", token: other, body: Data(#"{"card":"40001234"}"#.utf8)).0)
            return statuses
        }
        #expect(statuses == [.ok, .notFound, .notFound, .tooManyRequests, .tooManyRequests, .ok])

        let audit = try await hub.store.cardLookups(terminal: TerminalID(rawValue: "T-STOLEN")!, limit: 10)
        #expect(audit.map(\.outcome) == [.refused, .refused, .unknown, .unknown, .found])
        #expect(audit.map(\.card) == ["****1234", "****0003", "****0002", "****0001", "****1234"], "cards are kept masked")
        #expect(audit.last?.customer == customer)
        #expect(try await hub.store.cardLookups(terminal: nil, limit: 10).count == 6)
    }
}
