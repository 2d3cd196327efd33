import Foundation
import Logging
import OmnisyncCore
@testable import OmnisyncHubKit
import OmnisyncTestSupport
import PostgresNIO
import Testing

/// On PostgreSQL, transactions commit in any order; a pull cursor ("changes
/// after N") must still never skip one. Two transactions here change
/// customers and commit out of order on purpose, driven by hand on two
/// connections with the store's own stamping step.
@Suite(.enabled(if: PostgresScratch.serverURL != nil, "needs the test PostgreSQL server (scripts/test starts one)"))
struct PostgresCursorTests {
    let logger = Logger(label: "cursor-test")
    let now = Date(millis: 1_796_000_000_000)!

    func pull(_ store: PostgresHubStore, _ terminal: TerminalRecord, after cursor: String?) async throws -> ([CustomerID], String) {
        let page = try await store.pull(for: terminal, after: cursor, limit: 100, contact: TerminalContact(receivedAt: now, sentAt: nil))
        return (try page.profiles.map { try WireCoding.decode(ProfileState.self, from: $0).id }, page.cursor)
    }

    /// Rewrites a customer's state in place, as a push applying an entry does.
    func touch(_ connection: PostgresConnection, _ id: CustomerID) async throws {
        try await connection.query("UPDATE customers SET state = state, wire = NULL WHERE id = \(id.rawValue)", logger: logger)
    }

    @Test func aChangeCommittedLateIsPulledAfterOneCommittedEarly() async throws {
        let url = try await PostgresScratch.database("cursor")
        let store = try await PostgresHubStore(url: url)
        let terminal = try await store.addTerminal(TerminalID(rawValue: "T-1")!, store: StoreID(rawValue: "S-1")!, tokenHash: "h", at: now)
        var till = EntryFactory(terminal: "T-1")
        let (early, late): (CustomerID, CustomerID) = (till.identifier(), till.identifier())
        _ = try await store.push(
            IncomingPush(PushRequest(terminal: terminal.id, backlog: 0, entries: [till.sale(customer: early), till.sale(customer: late)])),
            from: terminal, contact: TerminalContact(receivedAt: now, sentAt: nil)
        )
        let (_, start) = try await pull(store, terminal, after: nil)

        let first = try await PostgresScratch.connect(url)
        let second = try await PostgresScratch.connect(url)
        defer {
            Task { try? await first.close() }
            Task { try? await second.close() }
        }
        // The first transaction writes `late` and stays open...
        try await first.query("BEGIN", logger: logger)
        try await touch(first, late)
        // ...while a second one writes `early`, takes its sequence and commits.
        try await second.query("BEGIN", logger: logger)
        try await touch(second, early)
        try await PostgresCustomerRows.stamp(second, [early], logger: logger)
        try await second.query("COMMIT", logger: logger)

        // A terminal pulls now: it receives `early`, and its cursor moves past it.
        let (seen, cursor) = try await pull(store, terminal, after: start)
        #expect(seen == [early])

        // The first transaction commits last; its sequence is taken at its end, under the counter's lock.
        try await PostgresCustomerRows.stamp(first, [late], logger: logger)
        try await first.query("COMMIT", logger: logger)

        // The next pull from that cursor brings `late`: nothing was skipped.
        let (next, _) = try await pull(store, terminal, after: cursor)
        #expect(next == [late])
    }

    @Test func aSecondTransactionCannotTakeASequenceWhileTheFirstIsOpen() async throws {
        let url = try await PostgresScratch.database("counter")
        let store = try await PostgresHubStore(url: url)
        let terminal = try await store.addTerminal(TerminalID(rawValue: "T-1")!, store: StoreID(rawValue: "S-1")!, tokenHash: "h", at: now)
        var till = EntryFactory(terminal: "T-1")
        let (a, b): (CustomerID, CustomerID) = (till.identifier(), till.identifier())
        _ = try await store.push(
            IncomingPush(PushRequest(terminal: terminal.id, backlog: 0, entries: [till.sale(customer: a), till.sale(customer: b)])),
            from: terminal, contact: TerminalContact(receivedAt: now, sentAt: nil)
        )
        let first = try await PostgresScratch.connect(url)
        let second = try await PostgresScratch.connect(url)
        defer {
            Task { try? await first.close() }
            Task { try? await second.close() }
        }
        try await first.query("BEGIN", logger: logger)
        try await touch(first, a)
        try await PostgresCustomerRows.stamp(first, [a], logger: logger)

        // Until the first commits, the second cannot be handed a sequence (it would wait; here it gives up).
        try await second.query("BEGIN", logger: logger)
        try await second.query("SET LOCAL lock_timeout = '200ms'", logger: logger)
        try await touch(second, b)
        await #expect(throws: PSQLError.self) { try await PostgresCustomerRows.stamp(second, [b], logger: logger) }
        try await second.query("ROLLBACK", logger: logger)

        try await first.query("COMMIT", logger: logger)
        try await second.query("BEGIN", logger: logger)
        try await touch(second, b)
        try await PostgresCustomerRows.stamp(second, [b], logger: logger)
        try await second.query("COMMIT", logger: logger)
        // Sequences in commit order: a, then b.
        let seqs = try await first.query("SELECT id, change_seq FROM customers ORDER BY change_seq", logger: logger).collect()
            .map { try $0.decode((String, Int64).self) }
        #expect(seqs.suffix(2).map(\.0) == [a.rawValue, b.rawValue])
    }
}

/// The recompute's tier window on PostgreSQL counts an order once even when
/// its transaction was still open at one recompute and committed before the
/// next, while later orders committed around it.
@Suite(.enabled(if: PostgresScratch.serverURL != nil, "needs the test PostgreSQL server (scripts/test starts one)"))
struct PostgresWindowSnapshotTests {
    let logger = Logger(label: "window-test")
    let now = Date(millis: 1_796_000_000_000)!

    func sums(_ connection: PostgresConnection) async throws -> [String: String] {
        var sums: [String: String] = [:]
        for row in try await connection.query("SELECT id, window_spend, window_orders FROM customers ORDER BY id", logger: logger).collect() {
            let (id, spend, orders) = try row.decode((String, String, Int64).self)
            sums[id] = "\(spend) \(orders)"
        }
        return sums
    }

    func order(_ id: String, email: String, cents: Int64) -> OnlineOrder {
        let price = Money(amount: cents, currency: Currency(rawValue: "EUR")!)
        return OnlineOrder(
            orderID: id, channel: "web", at: now, customer: .init(email: email), lines: [SaleLine(sku: "SKU", quantity: 1, unitPrice: price)], total: price
        )
    }

    @Test func anOrderCommittedAcrossTwoRecomputesIsCountedOnce() async throws {
        let url = try await PostgresScratch.database("window")
        let store = try await PostgresHubStore(url: url)
        let ada = try #require(try await store.recordOnlineOrders([order("W-1", email: "ada@example.com", cents: 1000)], at: now)[0].customer)
        _ = try await store.recompute(at: now)

        // An order's transaction is open while the next recompute reads...
        let open = try await PostgresScratch.connect(url)
        defer { Task { try? await open.close() } }
        try await open.query("BEGIN", logger: logger)
        try await open.query(
            "INSERT INTO orders (kind, channel, customer, at_ms, currency, total) VALUES ('sale', 'web', \(ada.rawValue), \(now.millis), 'EUR', 500)",
            logger: logger
        )
        // ...while another, started after it, commits first.
        _ = try await store.recordOnlineOrders([order("W-2", email: "ada@example.com", cents: 200)], at: now)
        _ = try await store.recompute(at: now)
        let reader = try await PostgresScratch.connect(url)
        defer { Task { try? await reader.close() } }
        #expect(try await sums(reader)[ada.rawValue] == "EUR:1200 2")

        // The open one commits; the next recompute adds it, and only it.
        try await open.query("COMMIT", logger: logger)
        _ = try await store.recompute(at: now)
        #expect(try await sums(reader)[ada.rawValue] == "EUR:1700 3")
        _ = try await store.recompute(at: now)
        #expect(try await sums(reader)[ada.rawValue] == "EUR:1700 3")
    }
}
