import Foundation
import GRDB
import Logging
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import PostgresNIO
import Testing

/// The tier window's sums are kept per customer and moved forward by each
/// recompute; whatever the history (orders arriving between recomputes,
/// returns, old orders imported late, merges, time going back), they equal
/// a fresh grouping of the window's orders.
@Suite struct TierWindowTests {
    let currencies = [Currency(rawValue: "EUR")!, Currency(rawValue: "USD")!]

    /// Reads a hub's tables directly, whichever the backend.
    enum TableReader {
        case sqlite(DatabaseQueue)
        case postgres(PostgresConnection)

        static func open(_ hub: HubFixture) async throws -> TableReader {
            if let url = hub.databaseURL { return .postgres(try await PostgresScratch.connect(url)) }
            return .sqlite(try DatabaseQueue(path: hub.directory.appending("hub.sqlite")))
        }

        /// A PostgreSQL connection must be closed before it goes.
        func close() async {
            if case .postgres(let connection) = self { try? await connection.close() }
        }

        /// (customer, kind, currency, total) of the orders at or after `since`.
        func orders(since: Int64) async throws -> [(String, String, String, Int64)] {
            switch self {
            case .sqlite(let queue):
                return try await queue.read { db in
                    try Row.fetchAll(db, sql: "SELECT customer, kind, currency, total FROM orders WHERE at_ms >= ? AND customer IS NOT NULL", arguments: [since])
                        .map { ($0["customer"], $0["kind"], $0["currency"], $0["total"]) }
                }
            case .postgres(let connection):
                return try await connection.query(
                    "SELECT customer, kind, currency, total FROM orders WHERE at_ms >= \(since) AND customer IS NOT NULL", logger: Logger(label: "test")
                ).collect().map { try $0.decode((String, String, String, Int64).self) }
            }
        }

        /// (id, window_spend, window_orders) of every customer.
        func windowColumns() async throws -> [(String, String, Int64)] {
            switch self {
            case .sqlite(let queue):
                return try await queue.read { db in
                    try Row.fetchAll(db, sql: "SELECT id, window_spend, window_orders FROM customers").map { ($0["id"], $0["window_spend"], $0["window_orders"]) }
                }
            case .postgres(let connection):
                return try await connection.query("SELECT id, window_spend, window_orders FROM customers", logger: Logger(label: "test"))
                    .collect().map { try $0.decode((String, String, Int64).self) }
            }
        }
    }

    /// Per customer: "EUR:…,USD:…" and the number of sales, straight from the orders.
    func expected(_ reader: TableReader, since: Int64) async throws -> [String: String] {
        var sums: [String: ([String: Int64], Int64)] = [:]
        for (customer, kind, currency, total) in try await reader.orders(since: since) {
            var (spend, orders) = sums[customer, default: ([:], 0)]
            spend[currency, default: 0] += kind == "sale" ? total : -total
            if kind == "sale" { orders += 1 }
            sums[customer] = (spend, orders)
        }
        return sums.mapValues { spend, orders in
            spend.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",") + " \(orders)"
        }
        .filter { $0.value != " 0" }
    }

    func stored(_ reader: TableReader) async throws -> [String: String] {
        var sums: [String: String] = [:]
        for (id, spend, orders) in try await reader.windowColumns() {
            let text = "\(spend) \(orders)"
            if text != " 0" { sums[id] = text }
        }
        return sums
    }

    @Test(arguments: StoreBackend.available)
    func windowSumsEqualAFreshGroupingWhateverTheHistory(_ backend: StoreBackend) async throws {
        var random = TestSeed.generator("tier window history")
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let reader = try await TableReader.open(hub)
        // The task holds the reader until its connection is closed.
        defer { Task { await reader.close() } }
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
            let (have, want) = (try await stored(reader), try await expected(reader, since: since))
            #expect(have == want, "round \(round)")
        }
    }

    @Test(arguments: StoreBackend.available)
    func theTierFollowsTheWindowAsOrdersLeaveIt(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
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
