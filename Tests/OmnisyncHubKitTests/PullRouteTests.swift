import Foundation
import HTTPTypes
import HummingbirdTesting
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

@Suite struct PullRouteTests {
    @Test(arguments: StoreBackend.available) func terminalsPullTheirStoresCustomersOnceAndResumeFromTheCursor(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let sameStore = try await hub.register("T-1", store: "S-1")
        let colleague = try await hub.register("T-2", store: "S-1")
        let elsewhere = try await hub.register("T-3", store: "S-2")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: [
            factory.sale(customer: customer), factory.profile(customer: customer, set: .name, to: "Ann"),
        ])
        let (colleagueFirst, colleagueAgain, otherStore) = try await hub.test { client in
            _ = try await client.push(batch, token: sameStore)
            let first = try WireCoding.decode(PullResponse.self, from: try await client.send(.get, "/v1/pull", token: colleague).1)
            let again = try WireCoding.decode(PullResponse.self, from: try await client.send(.get, "/v1/pull?cursor=\(first.cursor)", token: colleague).1)
            let other = try WireCoding.decode(PullResponse.self, from: try await client.send(.get, "/v1/pull", token: elsewhere).1)
            return (first, again, other)
        }
        #expect(colleagueFirst.profiles.map(\.id) == [customer])
        #expect(colleagueFirst.profiles.first?.value(of: .name) == "Ann")
        #expect(colleagueFirst.profiles.first?.pointsBalance == 12)
        #expect(colleagueFirst.policy == .default)
        #expect(!colleagueFirst.hasMore)
        #expect(colleagueAgain.profiles.isEmpty)
        #expect(colleagueAgain.cursor == colleagueFirst.cursor)
        #expect(otherStore.profiles.isEmpty)
    }

    @Test(arguments: StoreBackend.available) func pagesFollowEachOtherWithoutLosingOrRepeatingAProfile(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customers: [CustomerID] = (0..<7).map { _ in factory.identifier() }
        let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: customers.map { factory.sale(customer: $0) })
        let pulled = try await hub.test { client in
            _ = try await client.push(batch, token: token)
            var cursor: String?
            var seen: [CustomerID] = []
            var pages = 0
            repeat {
                let query = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try WireCoding.decode(PullResponse.self, from: try await client.send(.get, "/v1/pull?limit=3\(query)", token: token).1)
                seen += page.profiles.map(\.id)
                cursor = page.cursor
                pages += 1
                if !page.hasMore { break }
            } while pages < 10
            return (seen, pages)
        }
        #expect(pulled.0.sorted() == customers.sorted())
        #expect(pulled.1 == 3)
    }

    @Test(arguments: StoreBackend.available) func anInvalidCursorOrLimitIs400(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        let (cursor, limit) = try await hub.test { client in
            (try await client.send(.get, "/v1/pull?cursor=abc", token: token), try await client.send(.get, "/v1/pull?limit=0", token: token))
        }
        #expect(cursor.0 == .badRequest && cursor.1.errorCode == "malformed_request")
        #expect(limit.0 == .badRequest && limit.1.errorCode == "malformed_request")
    }
}
