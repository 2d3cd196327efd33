import Foundation
import GRDB
import OmnisyncCore

/// The tier window's sums (net spend per currency and sales over the last
/// `tierWindowDays`), kept per customer and moved forward incrementally, so
/// a recompute reads them from the customer's row instead of grouping every
/// order of the window again.
///
/// Moving the window from `[old start, …)` to `[new start, …)` adds the
/// orders stored since the last move (ids above the watermark) that fall in
/// the window, and takes away the older orders that left it (`old start ≤
/// at < new start`): both are ranges of an index. Customers whose orders
/// changed hands (an identity merge) are marked stale and summed again from
/// their own orders. Anything that invalidates the sums themselves (no state
/// yet, another window length, a clock that went back) rebuilds them from
/// one grouped pass.
extension SQLiteHubStore {
    /// Where every customer's window sums stand (settings key `tier_window`).
    struct TierWindowState: Codable, Sendable, Hashable {
        /// The window's first millisecond.
        var startMs: Int64
        /// The last order included.
        var lastOrder: Int64
        var days: Int64
    }

    static let tierWindowKey = "tier_window"

    /// Moves every customer's sums to the window ending at `now`.
    func advanceTierWindow(to now: Date) async throws(HubError) {
        let settings = try await crmSettings()
        let start = now.millis - settings.tierWindowDays * 86_400_000
        let state = try await read { db in try Self.setting(db, Self.tierWindowKey, default: TierWindowState?.none) }
        if let state, state.days == settings.tierWindowDays, start >= state.startMs {
            try await write { db in try Self.moveTierWindow(db, from: state, to: start) }
            return
        }
        // Rebuild: absolute sums as of one snapshot, written in chunks (idempotent), then moved on from there.
        let (sums, stored, lastOrder) = try await read { db in
            let lastOrder = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM orders") ?? 0
            var sums: [String: TierWindowSums] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT customer, kind, currency, SUM(total) AS total, COUNT(*) AS n FROM orders
                WHERE at_ms >= ? AND customer IS NOT NULL AND id <= ? GROUP BY customer, kind, currency
                """, arguments: [start, lastOrder])
            while let row = try rows.next() {
                guard let currency = Currency(rawValue: row["currency"]) else { continue }
                var sum = sums[row["customer"], default: TierWindowSums()]
                sum.add(kind: row["kind"], currency: currency, total: row["total"], count: row["n"], sign: 1)
                sums[row["customer"]] = sum
            }
            var stored: [String: TierWindowSums] = [:]
            let current = try Row.fetchCursor(db, sql: "SELECT id, window_spend, window_orders FROM customers WHERE window_spend != '' OR window_orders != 0")
            while let row = try current.next() { stored[row["id"]] = TierWindowSums(column: row["window_spend"], orders: row["window_orders"]) }
            return (sums, stored, lastOrder)
        }
        let changed = Array(Set(sums.keys).union(stored.keys).filter { sums[$0] != stored[$0] })
        var index = 0
        while index < changed.count {
            let chunk = changed[index..<min(index + Self.recomputeChunk, changed.count)]
            try await write { db in
                for id in chunk {
                    let sum = sums[id] ?? TierWindowSums()
                    // A customer marked stale since the snapshot is summed again from their orders.
                    try db.run(
                        sql: "UPDATE customers SET window_spend = ?, window_orders = ? WHERE id = ? AND window_stale = 0",
                        arguments: [sum.column, sum.orders, id]
                    )
                }
            }
            index += chunk.count
        }
        try await write { db in
            try Self.setSetting(db, Self.tierWindowKey, TierWindowState(startMs: start, lastOrder: lastOrder, days: settings.tierWindowDays))
        }
        // Orders stored since the snapshot, and stale customers.
        try await advanceTierWindow(to: now)
    }

    /// One transaction: stale customers summed from their own orders, then
    /// the orders that entered and left the window applied to everyone else.
    private static func moveTierWindow(_ db: Database, from state: TierWindowState, to start: Int64) throws {
        let lastOrder = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM orders") ?? 0
        var sums: [String: TierWindowSums] = [:]
        var exact: Set<String> = []
        for id in try String.fetchAll(db, sql: "SELECT id FROM customers WHERE window_stale = 1") {
            var sum = TierWindowSums()
            let rows = try Row.fetchCursor(
                db, sql: "SELECT kind, currency, total FROM orders WHERE customer = ? AND at_ms >= ?", arguments: [id, start]
            )
            while let row = try rows.next() {
                guard let currency = Currency(rawValue: row["currency"]) else { continue }
                sum.add(kind: row["kind"], currency: currency, total: row["total"], sign: 1)
            }
            sums[id] = sum
            exact.insert(id)
        }
        func apply(_ sql: String, _ arguments: StatementArguments, sign: Int64) throws {
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let id: String = row["customer"]
                guard !exact.contains(id), let currency = Currency(rawValue: row["currency"]) else { continue }
                if sums[id] == nil {
                    let current = try Row.fetchOne(db.cachedStatement(sql: "SELECT window_spend, window_orders FROM customers WHERE id = ?"), arguments: [id])
                    // Orders of a customer merged away since are under the survivor, which is stale.
                    guard let current else { continue }
                    sums[id] = TierWindowSums(column: current["window_spend"], orders: current["window_orders"])
                }
                sums[id]!.add(kind: row["kind"], currency: currency, total: row["total"], sign: sign)
            }
        }
        // Entered: stored since the last move, inside the window.
        try apply(
            "SELECT customer, kind, currency, total FROM orders WHERE id > ? AND id <= ? AND at_ms >= ? AND customer IS NOT NULL",
            [state.lastOrder, lastOrder, start], sign: 1
        )
        // Left: stored before, and now older than the window's start.
        if start > state.startMs {
            try apply(
                "SELECT customer, kind, currency, total FROM orders WHERE at_ms >= ? AND at_ms < ? AND id <= ? AND customer IS NOT NULL",
                [state.startMs, start, state.lastOrder], sign: -1
            )
        }
        for (id, sum) in sums {
            try db.run(
                sql: "UPDATE customers SET window_spend = ?, window_orders = ?, window_stale = 0 WHERE id = ?",
                arguments: [sum.column, sum.orders, id]
            )
        }
        try setSetting(db, tierWindowKey, TierWindowState(startMs: start, lastOrder: lastOrder, days: state.days))
    }
}
