import Foundation
import OmnisyncCore
import PostgresNIO

/// Sales, returns and online orders as facts on PostgreSQL (see ``OrderRows``).
enum PostgresOrderRows {
    static func insert(_ connection: PostgresConnection, entry: JournalEntry, customer: CustomerID?, store: StoreID, logger: Logger) async throws {
        guard let fact = OrderFact(entry.event) else { return }
        let (kind, lines, total, receipt, earned, redeemed) = (fact.kind, fact.lines, fact.total, fact.receipt, fact.earned, fact.redeemed)
        let id = try await connection.query(
            """
            INSERT INTO orders (kind, channel, store, terminal, seq, customer, at_ms, currency, total, points_earned, points_redeemed, receipt)
            VALUES (\(kind), 'store', \(store.rawValue), \(entry.terminal.rawValue), \(entry.seq), \(customer?.rawValue), \(entry.recordedAt.millis),
                \(total.currency.rawValue), \(total.amount), \(earned), \(redeemed), \(receipt))
            RETURNING id
            """,
            logger: logger
        ).collect()[0].decode(Int64.self)
        try await insertLines(connection, order: id, lines, logger: logger)
    }

    /// Records an order of another channel, under its order id.
    static func insert(_ connection: PostgresConnection, online order: OnlineOrder, customer: CustomerID?, pointsEarned: Int64, logger: Logger) async throws {
        let id = try await connection.query(
            """
            INSERT INTO orders (kind, channel, customer, at_ms, currency, total, points_earned, points_redeemed, order_id)
            VALUES ('sale', \(order.channel), \(customer?.rawValue), \(order.at.millis), \(order.total.currency.rawValue), \(order.total.amount),
                \(pointsEarned), 0, \(order.orderID))
            RETURNING id
            """,
            logger: logger
        ).collect()[0].decode(Int64.self)
        try await insertLines(connection, order: id, order.lines, logger: logger)
    }

    private static func insertLines(_ connection: PostgresConnection, order id: Int64, _ lines: [SaleLine], logger: Logger) async throws {
        guard !lines.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO order_lines (order_id, line, sku, quantity, amount)
            SELECT \(id), line, sku, quantity, amount
            FROM unnest(\(lines.indices.map { Int64($0 + 1) })::bigint[], \(lines.map(\.sku))::text[], \(lines.map(\.quantity))::bigint[],
                \(lines.map { $0.amount ?? 0 })::bigint[]) AS l(line, sku, quantity, amount)
            """,
            logger: logger
        )
    }
}
