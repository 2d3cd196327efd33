import ArgumentParser
import Foundation
import GRDBSQLite
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport

/// The CRM at scale: online history imported into a fresh hub store, every
/// customer scored, and one more order applied, each next to raw SQLite doing
/// the least the same work needs.
struct CRMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm",
        abstract: "CRM at scale: order import, full recompute, one new order; each next to raw SQLite.",
        discussion: """
            Seeded orders (the same every run) over --customers customers, half known by email and half by card, \
            spread over two years, over a catalogue of 500 SKUs in 12 categories (each customer leaning to one). Import: the hub store applying them 500 to a transaction (matching, merging, \
            facts, totals), next to the SQLite C API inserting the same orders' JSON 500 per transaction. \
            Recompute: scoring every customer and reading their interests, next to the C API reading the columns, \
            window sums and category sums it reads; then again with nothing new, and after 1,000 new orders. One new order: its latency, next to one raw insert in its own transaction.
            """
    )

    @Option(help: "Scratch directory (default .build/bench-scratch/crm).") var dir = ".build/bench-scratch/crm"
    @Option(help: "Customers.") var customers = 100_000
    @Option(help: "Orders.") var orders = 500_000
    @Flag(help: "A small run (2,000 customers, 10,000 orders) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Accepted for symmetry with the other benchmarks; runs once.") var repetitions = 1
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var customers: Int
        var orders: Int
        var importOrdersPerSecond: Double
        var rawInsertsPerSecond: Double
        var recomputeSeconds: Double
        /// The same recompute run again at once: nothing changed, nothing written.
        var recomputeUnchangedSeconds: Double
        /// After 1,000 new orders: only their customers' interests are read again.
        var recomputeAfterNewOrdersSeconds: Double
        var interestsReadAfterNewOrders: Int
        var rawReadSeconds: Double
        /// The least any recompute reads: every customer's row.
        var rawCustomerScanSeconds: Double
        var oneOrderMillisP50: Double
        var rawOneInsertMillisP50: Double
    }

    func validate() throws {
        guard customers >= 10, orders >= customers else { throw ValidationError("--customers must be at least 10, --orders at least --customers") }
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            let (customerCount, orderCount) = quick ? (2000, 10_000) : (customers, orders)
            let directory = URL(fileURLWithPath: dir).standardizedFileURL.path
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let now = Date(millis: 1_800_000_000_000)!
            Output.progress("crm: generating \(orderCount) orders")
            let history = Self.orders(count: orderCount, customers: customerCount, endingAt: now)
            let store = try SQLiteHubStore(path: directory + "/hub.sqlite")
            _ = try await store.importProducts(Self.catalogue)

            var started = ContinuousClock.now
            var index = 0
            while index < history.count {
                let batch = Array(history[index..<min(index + 500, history.count)])
                _ = try await store.recordOnlineOrders(batch, at: now)
                index += batch.count
                if index % 10_000 == 0 { Output.progress("crm: importing, \(index)/\(history.count)") }
            }
            let importRate = Double(history.count) / (ContinuousClock.now - started).seconds
            Output.progress("crm: raw inserts")
            let rows = try history.map { ($0.orderID, try WireCoding.encode($0)) }
            let rawRate = try RawSQLiteInserts.run(rows, file: directory + "/raw.sqlite", perTransaction: 500)

            Output.progress("crm: recompute")
            started = ContinuousClock.now
            _ = try await store.recompute(at: now)
            let recompute = (ContinuousClock.now - started).seconds
            started = ContinuousClock.now
            _ = try await store.recompute(at: now)
            let unchanged = (ContinuousClock.now - started).seconds
            let newOrders = (0..<1000).map { extra in
                var order = history[extra * 53 % history.count]
                order.orderID = "LATER-\(extra)"
                return order
            }
            _ = try await store.recordOnlineOrders(newOrders, at: now)
            started = ContinuousClock.now
            let afterNew = try await store.recompute(at: now)
            let incremental = (ContinuousClock.now - started).seconds
            let rawRead = try Self.rawReads(directory + "/hub.sqlite", since: now.millis - 365 * 86_400_000)
            let rawScan = try Self.rawReads(directory + "/hub.sqlite", since: nil)

            Output.progress("crm: one more order at a time")
            var single: [Double] = []
            for extra in 0..<200 {
                var order = history[extra * 37 % history.count]
                order.orderID = "NEW-\(extra)"
                let begun = ContinuousClock.now
                _ = try await store.recordOnlineOrders([order], at: now)
                single.append((ContinuousClock.now - begun).seconds * 1000)
            }
            let rawSingle = 1000 / (try RawSQLiteInserts.run(Array(rows.prefix(200)), file: directory + "/raw-single.sqlite", perTransaction: 1))
            Output.endProgress()

            let report = Report(
                customers: customerCount, orders: orderCount, importOrdersPerSecond: importRate, rawInsertsPerSecond: rawRate,
                recomputeSeconds: recompute, recomputeUnchangedSeconds: unchanged,
                recomputeAfterNewOrdersSeconds: incremental, interestsReadAfterNewOrders: afterNew.interestsRead, rawReadSeconds: rawRead, rawCustomerScanSeconds: rawScan, oneOrderMillisP50: single.sorted()[single.count / 2],
                rawOneInsertMillisP50: rawSingle
            )
            if json {
                try Output.json(report)
                return
            }
            print("crm: \(customerCount) customers, \(orderCount) online orders over two years")
            Output.table(
                headers: ["PATH", "OMNISYNC", "BASELINE", "RATIO"],
                rows: [
                    ["import, orders/s vs raw inserts of their JSON", String(format: "%.0f", importRate), String(format: "%.0f", rawRate), String(format: "%.3fx", importRate / rawRate)],
                    ["first recompute vs raw reads of all its inputs, s", String(format: "%.2f", recompute), String(format: "%.2f", rawRead), String(format: "%.1fx", recompute / rawRead)],
                    ["again, nothing changed, vs a raw scan of the customers, s", String(format: "%.2f", unchanged), String(format: "%.2f", rawScan), String(format: "%.1fx", unchanged / rawScan)],
                    ["again after 1,000 new orders (\(afterNew.interestsRead) interests read), s", String(format: "%.2f", incremental), String(format: "%.2f", rawScan), String(format: "%.1fx", incremental / rawScan)],
                    ["one new order, p50 ms vs one raw insert (mean)", String(format: "%.2f", report.oneOrderMillisP50), String(format: "%.2f", rawSingle), String(format: "%.1fx", report.oneOrderMillisP50 / rawSingle)],
                ]
            )
        }
    }

    /// Seeded orders: customer i is known by email when even, by card when odd.
    static func orders(count: Int, customers: Int, endingAt now: Date) -> [OnlineOrder] {
        var generator = SeededGenerator(seed: 7)
        let euro = Currency(rawValue: "EUR")!
        let span: Int64 = 730 * 86_400_000
        return (0..<count).map { index in
            let customer = index < customers ? index : Int.random(in: 0..<customers, using: &generator)
            let identity: OnlineOrder.Identifiers = customer % 2 == 0 ? .init(email: "customer\(customer)@example.com") : .init(card: "CRD\(customer)")
            let lines = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                // Six lines in ten from the customer's own category (SKU n is in category n % 12).
                let favourite = Int.random(in: 0..<10, using: &generator) < 6
                let sku = favourite ? (customer % 12) + 12 * Int.random(in: 0..<41, using: &generator) : Int.random(in: 0..<500, using: &generator)
                return SaleLine(sku: "SKU-\(min(sku, 499))", quantity: 1, unitPrice: Money(amount: Int64.random(in: 500...20_000, using: &generator), currency: euro))
            }
            let total = Money(amount: lines.reduce(0) { $0 + $1.unitPrice.amount }, currency: euro)
            return OnlineOrder(
                orderID: "W-\(index)", channel: "web", at: Date(millis: now.millis - Int64.random(in: 0..<span, using: &generator))!,
                customer: identity, lines: lines, total: total
            )
        }
    }

    /// 500 SKUs, SKU n in category n % 12.
    static let catalogue: [Product] = (0..<500).map { index in
        // Fixed, valid values: the checks cannot fail.
        try! Product(sku: "SKU-\(index)", name: "Product \(index)", category: "Category \(index % 12)")
    }

    /// The least a recompute must read: every customer's counters, the
    /// tier window's sums and every customer's items per category, stepped
    /// through by the C API. Seconds.
    /// Without `since`, only the customers' rows: what a recompute reads once
    /// the window sums and interests are kept up to date.
    static func rawReads(_ file: String, since: Int64?) throws -> Double {
        var connection: OpaquePointer?
        guard sqlite3_open_v2(file, &connection, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let connection else { throw BenchError("cannot open \(file)") }
        defer { sqlite3_close_v2(connection) }
        let scan = "SELECT id, orders, first_purchase_ms, last_purchase_ms, totals, window_spend, window_orders, interests FROM customers"
        guard let since else { return try rawSteps(connection, [scan]) }
        return try rawSteps(connection, [
            scan,
            "SELECT customer, currency, SUM(total), COUNT(*) FROM orders WHERE at_ms >= \(since) AND customer IS NOT NULL GROUP BY customer, currency",
            """
            SELECT o.customer, p.category, SUM(l.quantity) FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.sku = l.sku
            WHERE o.customer IS NOT NULL GROUP BY o.customer, p.category
            """,
        ])
    }

    /// Steps through every row of each statement; seconds.
    static func rawSteps(_ connection: OpaquePointer, _ statements: [String]) throws -> Double {
        let started = ContinuousClock.now
        for sql in statements {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw BenchError("cannot prepare \(sql)") }
            while sqlite3_step(statement) == SQLITE_ROW {}
            sqlite3_finalize(statement)
        }
        return (ContinuousClock.now - started).seconds
    }
}
