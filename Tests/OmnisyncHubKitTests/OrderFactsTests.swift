import Foundation
import GRDB
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Sales and returns land as rows a query can aggregate, by customer after
/// identity merges; the per-customer totals follow.
@Suite struct OrderFactsTests {
    @Test func salesAndReturnsLandAsOrderRowsAndFollowAnIdentityMerge() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1", store: "S-1")
        let lyon = try await hub.register("T-2", store: "S-2")
        var first = EntryFactory(terminal: "T-1")
        var second = EntryFactory(terminal: "T-2")
        let (ada, alias, third): (CustomerID, CustomerID, CustomerID) = (first.identifier(), second.identifier(), first.identifier())
        let euro = Currency(rawValue: "EUR")!
        let shoes = Money(amount: 8000, currency: euro)
        _ = try await hub.push([
            (PushRequest(terminal: first.terminal, backlog: 0, entries: [
                first.entry(.sale(SaleEvent(
                    customer: ada, card: nil, enrolled: false,
                    lines: [SaleLine(sku: "SHOES", quantity: 1, unitPrice: shoes), SaleLine(sku: "SOCKS", quantity: 2, unitPrice: Money(amount: 500, currency: euro))],
                    total: Money(amount: 8500, currency: euro), receipt: "R-1", pointsEarned: 85, pointsRedeemed: 0
                ))),
                first.entry(.return(ReturnEvent(
                    customer: ada, card: nil, lines: [SaleLine(sku: "SOCKS", quantity: 2, unitPrice: Money(amount: 500, currency: euro))],
                    total: Money(amount: 1000, currency: euro), receipt: "R-9", originalReceipt: "R-1", pointsReversed: 10
                ))),
                first.sale(customer: third, cents: 100),
            ]), paris),
            (PushRequest(terminal: second.terminal, backlog: 0, entries: [second.sale(customer: alias, cents: 2000)]), lyon),
        ])
        _ = try await hub.store.mergeCustomers(survivor: ada, absorbed: alias, at: Date())

        let record = try #require(try await hub.store.customer(id: alias))
        #expect(record.activity.orders == 2 && record.activity.returns == 1)
        #expect(record.activity.spend == [euro: 8500 - 1000 + 2000])
        #expect(record.activity.storeOrders == [StoreID(rawValue: "S-1")!: 1, StoreID(rawValue: "S-2")!: 1])

        let database = try DatabaseQueue(path: hub.directory.appending("hub.sqlite"))
        defer { try? database.close() }
        let (byKind, lines, totals) = try await database.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT kind, SUM(total) AS total, COUNT(*) AS n FROM orders WHERE customer = ? GROUP BY kind ORDER BY kind", arguments: [ada.rawValue])
                    .map { "\($0["kind"] as String) \($0["n"] as Int) \($0["total"] as Int64)" },
                try Row.fetchAll(db, sql: "SELECT sku, SUM(quantity) AS q, SUM(amount) AS a FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.kind = 'sale' GROUP BY sku ORDER BY sku")
                    .map { "\($0["sku"] as String) \($0["q"] as Int) \($0["a"] as Int64)" },
                try Row.fetchAll(db, sql: """
                    SELECT c.id AS customer, d.key AS dimension, t.key, t.value
                    FROM customers c, json_each(c.totals) d, json_each(d.value) t ORDER BY 1, 2, 3
                    """)
                    .map { "\($0["customer"] as String == ada.rawValue ? "ada" : "other") \($0["dimension"] as String) \($0["key"] as String) \($0["value"] as Int64)" }
            )
        }
        // The absorbed customer's sale is Ada's now; the third customer's is not.
        #expect(byKind == ["return 1 1000", "sale 2 10500"])
        #expect(lines == ["SHOES 1 8000", "SKU-1 2 2100", "SOCKS 2 1000"])
        #expect(totals.filter { $0.hasPrefix("ada") } == ["ada channel store 2", "ada spend EUR 9500", "ada store S-1 1", "ada store S-2 1"])
    }
}
