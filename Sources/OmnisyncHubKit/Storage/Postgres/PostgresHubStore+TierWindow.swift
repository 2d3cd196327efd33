import Foundation
import OmnisyncCore
import PostgresNIO

/// The tier window's sums on PostgreSQL (see `SQLiteHubStore+TierWindow`).
///
/// An order id says nothing about when its transaction committed here, so
/// "orders stored since the last move" is read against the snapshot that
/// move saw: an order whose transaction that snapshot did not see
/// (`pg_visible_in_snapshot`) is new, whatever its id, and an order from a
/// transaction still running now is new next time.
extension PostgresHubStore {
    struct TierWindowState: Codable, Sendable, Hashable {
        var startMs: Int64
        /// `pg_current_snapshot()` as text, when the sums were last moved.
        var snapshot: String
        var days: Int64
    }

    static let tierWindowKey = "tier_window"

    func advanceTierWindow(to now: Date) async throws(HubError) {
        let settings = try await crmSettings()
        let start = now.millis - settings.tierWindowDays * 86_400_000
        let state = try await read { connection in
            try await Self.setting(connection, Self.tierWindowKey, default: TierWindowState?.none, logger: logger)
        }
        if let state, state.days == settings.tierWindowDays, start >= state.startMs {
            try await transaction { connection in
                // One snapshot for every statement: the one saved is the one read.
                try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
                try await Self.moveTierWindow(connection, from: state, to: start, logger: logger)
            }
            return
        }
        let (sums, stored, snapshot) = try await snapshot { connection in
            let snapshot = try await connection.query("SELECT pg_current_snapshot()::text", logger: logger).collect()[0].decode(String.self)
            var sums: [String: TierWindowSums] = [:]
            for try await (customer, kind, currency, total, count) in try await connection.query(
                """
                SELECT customer, kind, currency, SUM(total)::bigint, COUNT(*) FROM orders
                WHERE at_ms >= \(start) AND customer IS NOT NULL GROUP BY customer, kind, currency
                """,
                logger: logger
            ).decode((String, String, String, Int64, Int64).self) {
                guard let currency = Currency(rawValue: currency) else { continue }
                sums[customer, default: TierWindowSums()].add(kind: kind, currency: currency, total: total, count: count, sign: 1)
            }
            var stored: [String: TierWindowSums] = [:]
            for try await (id, spend, orders) in try await connection.query(
                "SELECT id, window_spend, window_orders FROM customers WHERE window_spend != '' OR window_orders != 0", logger: logger
            ).decode((String, String, Int64).self) {
                stored[id] = TierWindowSums(column: spend, orders: orders)
            }
            return (sums, stored, snapshot)
        }
        let changed = Array(Set(sums.keys).union(stored.keys).filter { sums[$0] != stored[$0] }).sorted()
        var index = 0
        while index < changed.count {
            let chunk = Array(changed[index..<min(index + SQLiteHubStore.recomputeChunk, changed.count)])
            try await transaction { connection in
                let values = chunk.map { sums[$0] ?? TierWindowSums() }
                try await connection.query(
                    """
                    UPDATE customers SET window_spend = s.spend, window_orders = s.orders
                    FROM unnest(\(chunk)::text[], \(values.map(\.column))::text[], \(values.map(\.orders))::bigint[]) AS s(id, spend, orders)
                    WHERE customers.id = s.id AND NOT customers.window_stale
                    """,
                    logger: logger
                )
            }
            index += chunk.count
        }
        try await transaction { connection in
            try await Self.setSetting(
                connection, Self.tierWindowKey, TierWindowState(startMs: start, snapshot: snapshot, days: settings.tierWindowDays), logger: logger
            )
        }
        try await advanceTierWindow(to: now)
    }

    private static func moveTierWindow(_ connection: PostgresConnection, from state: TierWindowState, to start: Int64, logger: Logger) async throws {
        let snapshot = try await connection.query("SELECT pg_current_snapshot()::text", logger: logger).collect()[0].decode(String.self)
        var sums: [String: TierWindowSums] = [:]
        var exact: Set<String> = []
        let stale = try await connection.query("SELECT id FROM customers WHERE window_stale ORDER BY id FOR UPDATE", logger: logger)
            .collect().map { try $0.decode(String.self) }
        if !stale.isEmpty {
            for id in stale { sums[id] = TierWindowSums() }
            for try await (customer, kind, currency, total) in try await connection.query(
                "SELECT customer, kind, currency, total FROM orders WHERE customer = ANY(\(stale)) AND at_ms >= \(start)", logger: logger
            ).decode((String, String, String, Int64).self) {
                guard let currency = Currency(rawValue: currency) else { continue }
                sums[customer]?.add(kind: kind, currency: currency, total: total, sign: 1)
            }
            exact = Set(stale)
        }
        var moves: [(String, String, String, Int64, Int64)] = []
        // Entered: not seen by the last move, inside the window.
        for try await row in try await connection.query(
            """
            SELECT customer, kind, currency, total FROM orders
            WHERE xid >= pg_snapshot_xmin(\(state.snapshot)::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, \(state.snapshot)::pg_snapshot)
                AND at_ms >= \(start) AND customer IS NOT NULL
            """,
            logger: logger
        ).decode((String, String, String, Int64).self) {
            moves.append((row.0, row.1, row.2, row.3, 1))
        }
        // Left: seen by the last move, and now older than the window's start.
        if start > state.startMs {
            for try await row in try await connection.query(
                """
                SELECT customer, kind, currency, total FROM orders
                WHERE at_ms >= \(state.startMs) AND at_ms < \(start) AND customer IS NOT NULL
                    AND pg_visible_in_snapshot(xid, \(state.snapshot)::pg_snapshot)
                """,
                logger: logger
            ).decode((String, String, String, Int64).self) {
                moves.append((row.0, row.1, row.2, row.3, -1))
            }
        }
        let moved = Set(moves.map(\.0)).subtracting(exact)
        if !moved.isEmpty {
            for try await (id, spend, orders) in try await connection.query(
                "SELECT id, window_spend, window_orders FROM customers WHERE id = ANY(\(Array(moved).sorted())) ORDER BY id FOR UPDATE", logger: logger
            ).decode((String, String, Int64).self) {
                sums[id] = TierWindowSums(column: spend, orders: orders)
            }
        }
        for (customer, kind, currency, total, sign) in moves where !exact.contains(customer) {
            guard let currency = Currency(rawValue: currency), sums[customer] != nil else { continue }
            sums[customer]!.add(kind: kind, currency: currency, total: total, sign: sign)
        }
        if !sums.isEmpty {
            let ids = sums.keys.sorted()
            let values = ids.map { sums[$0]! }
            try await connection.query(
                """
                UPDATE customers SET window_spend = s.spend, window_orders = s.orders, window_stale = FALSE
                FROM unnest(\(ids)::text[], \(values.map(\.column))::text[], \(values.map(\.orders))::bigint[]) AS s(id, spend, orders)
                WHERE customers.id = s.id
                """,
                logger: logger
            )
        }
        try await setSetting(connection, tierWindowKey, TierWindowState(startMs: start, snapshot: snapshot, days: state.days), logger: logger)
    }
}
