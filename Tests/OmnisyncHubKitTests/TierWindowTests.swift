import Foundation
import GRDB
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The tier window's sums are kept per customer and moved forward by each
/// recompute; whatever the history (orders arriving between recomputes,
/// returns, old orders imported late, merges, time going back), they equal
/// a fresh grouping of the window's orders.
@Suite struct TierWindowTests {
    let currencies = [Currency(rawValue: "EUR")!, Currency(rawValue: "USD")!]

    /// Per customer: "EUR:…,USD:…" and the number of sales, straight from the orders.
    func expected(_ reader: DatabaseQueue, since: Int64) throws -> [String: String] {
        try reader.read { db in
            var sums: [String: ([String: Int64], Int64)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT customer, kind, currency, total FROM orders WHERE at_ms >= ? AND customer IS NOT NULL", arguments: [since]) {
                let kind: String = row["kind"]
                var (spend, orders) = sums[row["customer"], default: ([:], 0)]
                spend[row["currency"], default: 0] += kind == "sale" ? row["total"] : -(row["total"] as Int64)
                if kind == "sale" { orders += 1 }
                sums[row["customer"]] = (spend, orders)
            }
            return sums.mapValues { spend, orders in
                spend.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",") + " \(orders)"
            }
            .filter { $0.value != " 0" }
        }
    }

    func stored(_ reader: DatabaseQueue) throws -> [String: String] {
        try reader.read { db in
            var sums: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, window_spend, window_orders FROM customers") {
                let text = "\(row["window_spend"] as String) \(row["window_orders"] as Int64)"
                if text != " 0" { sums[row["id"]] = text }
            }
            return sums
        }
    }

    @Test func windowSumsEqualAFreshGroupingWhateverTheHistory() async throws {
        var random = TestSeed.generator("tier window history")
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let reader = try DatabaseQueue(path: hub.directory.appending("hub.sqlite"))
        let day: Int64 = 86_400_000
        var now: Int64 = 1_796_000_000_000
        var orderNumber = 0
        var customers: [CustomerID] = []
        let window = try await hub.store.crmSettings().tierWindowDays
        for round in 0..<12 {
            // Some orders, at times from two windows ago to now, for a handful of customers.
            var orders: [OnlineOrder] = []
            for _ in 0..<Int.random(in: 5...30, using: &random) {
                orderNumber += 1
                let currency = currencies[Int.random(in: 0..<2, using: &random)]
                let price = Money(amount: Int64.random(in: 100...9_000, using: &random), currency: currency)
                let at = now - Int64.random(in: 0...(2 * window * day), using: &random)
                orders.append(OnlineOrder(
                    orderID: "W-\(orderNumber)", channel: "web", at: Date(millis: at)!,
                    customer: .init(email: "c\(Int.random(in: 0..<8, using: &random))@example.com"),
                    lines: [SaleLine(sku: "SKU", quantity: 1, unitPrice: price)], total: price
                ))
            }
            for outcome in try await hub.store.recordOnlineOrders(orders, at: Date(millis: now)!) {
                if let id = outcome.customer, !customers.contains(id) { customers.append(id) }
            }
            // Now and then two customers turn out to be one.
            if round % 4 == 3, customers.count >= 2 {
                let absorbed = customers.remove(at: Int.random(in: 1..<customers.count, using: &random))
                _ = try await hub.store.mergeCustomers(survivor: customers[0], absorbed: absorbed, at: Date(millis: now)!)
            }
            // Time moves on by up to 100 days; once, it goes back.
            now += round == 7 ? -40 * day : Int64.random(in: 0...(100 * day), using: &random)
            _ = try await hub.store.recompute(at: Date(millis: now)!)
            let since = now - window * day
            #expect(try stored(reader) == expected(reader, since: since), "round \(round)")
        }
    }

    @Test func theTierFollowsTheWindowAsOrdersLeaveIt() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let euro = currencies[0]
        let start = Date(millis: 1_796_000_000_000)!
        // 1,200.00 a year ago less a day, and 200.00 today: VIP at 1,000.00 (the default).
        let orders = [(-364, 120_000), (0, 20_000)].enumerated().map { index, order in
            let price = Money(amount: Int64(order.1), currency: euro)
            return OnlineOrder(
                orderID: "W-\(index)", channel: "web", at: start.addingTimeInterval(Double(order.0) * 86_400),
                customer: .init(email: "ada@example.com"), lines: [SaleLine(sku: "SKU", quantity: 1, unitPrice: price)], total: price
            )
        }
        let ada = try #require(try await hub.store.recordOnlineOrders(orders, at: start)[0].customer)
        _ = try await hub.store.recompute(at: start)
        #expect(try await hub.store.customer(id: ada)?.state.fields[.tier]?.value == "VIP")
        // Ten days on, the large order is out of the window; 200.00 stays above 80% of nothing: ordinary.
        _ = try await hub.store.recompute(at: start.addingTimeInterval(10 * 86_400))
        #expect(try await hub.store.customer(id: ada)?.state.fields[.tier]?.value == "ordinary")
    }
}
