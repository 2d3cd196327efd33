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
