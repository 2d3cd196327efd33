import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The recompute writes what changed and carries the churn-risk flag to the
/// profile as a tag the hub adds, and removes when the customer is back.
@Suite struct RecomputeTests {
    @Test(arguments: StoreBackend.available) func theChurnRiskFlagIsATagTheHubAddsAndRemoves(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var till = EntryFactory(terminal: "T-1")
        let ada: CustomerID = till.identifier()
        let sold = till.now
        _ = try await hub.push([(PushRequest(terminal: till.terminal, backlog: 0, entries: [till.sale(customer: ada)]), token)])
        func tags() async throws -> Set<String> {
            Set(try #require(try await hub.store.customer(id: ada)).state.tags.adds.keys.map(\.rawValue))
        }

        // 200 days after a single purchase: past twice the assumed 90-day rhythm.
        let late = try await hub.store.recompute(at: sold.addingTimeInterval(200 * 86_400))
        #expect(late.changed == 1 && late.profilesChanged == 1)
        #expect(try await tags() == ["first-purchase", "churn-risk"])
        let record = try #require(try await hub.store.customer(id: ada))
        #expect(record.state.fields[.lifecycle]?.value == "at risk")

        // Nothing changed: nothing written.
        #expect(try await hub.store.recompute(at: sold.addingTimeInterval(201 * 86_400)).changed == 0)

        // Seen from a day after the sale, the customer is new again and the flag goes.
        _ = try await hub.store.recompute(at: sold.addingTimeInterval(86_400))
        #expect(try await tags() == ["first-purchase"])
        #expect(try await hub.store.segmentCounts().churnRisk == 0)
    }
}
