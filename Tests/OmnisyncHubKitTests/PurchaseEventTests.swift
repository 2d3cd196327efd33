import Foundation
import GRDB
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// First and large purchases raise events and tag the profile at once, in
/// the transaction that applies them, from a till or from the web shop.
@Suite struct PurchaseEventTests {
    let euro = Currency(rawValue: "EUR")!

    @Test func detectionByHand() {
        let (ada, bob) = (CustomerID(rawValue: "C-ADA")!, CustomerID(rawValue: "C-BOB")!)
        let at = Date(millis: 1_800_000_000_000)!
        func buy(_ customer: CustomerID, _ cents: Int64) -> PurchaseEvents.Purchase { .init(customer: customer, total: Money(amount: cents, currency: euro), at: at) }
        let events = PurchaseEvents.detect(
            [buy(ada, 100), buy(ada, 60_000), buy(bob, 50_000), buy(bob, 49_999)], ordersBefore: { $0 == bob ? 3 : 0 }, largeAmount: 50_000
        )
        #expect(events.map { "\($0.customer) \($0.kind.rawValue)" } == ["C-ADA first_purchase", "C-ADA large_purchase", "C-BOB large_purchase"])
        #expect(PurchaseEvents.detect([buy(bob, 1_000_000)], ordersBefore: { _ in 1 }, largeAmount: 0).isEmpty)
    }

    @Test func aTillsFirstAndLargeSalesTagTheCustomerAndAreRecorded() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var till = EntryFactory(terminal: "T-1")
        let ada: CustomerID = till.identifier()
        _ = try await hub.push([(PushRequest(terminal: till.terminal, backlog: 0, entries: [
            till.sale(customer: ada, cents: 1000), till.sale(customer: ada, cents: 75_000),
        ]), token)])
        _ = try await hub.push([(PushRequest(terminal: till.terminal, backlog: 0, entries: [till.sale(customer: ada, cents: 2000)]), token)])

        let record = try #require(try await hub.store.customer(id: ada))
        #expect(Set(record.state.tags.adds.keys.map(\.rawValue)) == ["first-purchase", "large-purchase"])
        let database = try DatabaseQueue(path: hub.directory.appending("hub.sqlite"))
        defer { try? database.close() }
        let events = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, total FROM customer_events ORDER BY id").map { "\($0["kind"] as String) \($0["total"] as Int64)" }
        }
        // One first purchase, whatever came after it.
        #expect(events == ["first_purchase 1000", "large_purchase 75000"])
    }

    @Test func anOnlineOrderRaisesTheSameEvents() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        try await hub.store.setCRMSettings(CRMSettings(largePurchase: 10_000))
        let price = Money(amount: 12_000, currency: euro)
        let order = OnlineOrder(
            orderID: "W-1", channel: "web", at: Date(), customer: .init(email: "new@example.com"),
            lines: [SaleLine(sku: "COAT", quantity: 1, unitPrice: price)], total: price
        )
        let outcome = try #require(try await hub.store.recordOnlineOrders([order], at: Date()).first)
        let customer = try #require(outcome.customer)
        let record = try #require(try await hub.store.customer(id: customer))
        #expect(Set(record.state.tags.adds.keys.map(\.rawValue)) == ["first-purchase", "large-purchase"])
    }
}
