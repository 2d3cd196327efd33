import Foundation
import OmnisyncCore
import PostgresNIO

/// Sales, returns and online orders as facts on PostgreSQL (see ``OrderRows``).
enum PostgresOrderRows {
    /// Records the facts of a batch's applied sales and returns (scans and
    /// profile changes have none) in two statements: the orders, then their
    /// lines. ('' stands for NULL: arrays carry no optionals.)
    static func insert(_ connection: PostgresConnection, _ entries: [(JournalEntry, CustomerID?)], store: StoreID, logger: Logger) async throws {
        try await insertFeedback(connection, entries, store: store, logger: logger)
        let facts = entries.compactMap { entry, customer in OrderFact(entry.event).map { (entry, customer, $0) } }
        guard let terminal = facts.first?.0.terminal else { return }
        var ids: [Int64: Int64] = [:]
        for try await (id, seq) in try await connection.query(
            """
            INSERT INTO orders (kind, channel, store, terminal, seq, customer, at_ms, currency, total, points_earned, points_redeemed, receipt, offer)
            SELECT o.kind, 'store', \(store.rawValue), \(terminal.rawValue), o.seq, NULLIF(o.customer, ''), o.at, o.currency, o.total, o.earned,
                o.redeemed, NULLIF(o.receipt, ''), NULLIF(o.offer, '')
            FROM unnest(\(facts.map(\.2.kind))::text[], \(facts.map(\.0.seq))::bigint[], \(facts.map { $0.1?.rawValue ?? "" })::text[],
                \(facts.map(\.0.recordedAt.millis))::bigint[], \(facts.map(\.2.total.currency.rawValue))::text[], \(facts.map(\.2.total.amount))::bigint[],
                \(facts.map(\.2.earned))::bigint[], \(facts.map(\.2.redeemed))::bigint[], \(facts.map { $0.2.receipt ?? "" })::text[],
                \(facts.map { $0.2.offer?.rawValue ?? "" })::text[])
                AS o(kind, seq, customer, at, currency, total, earned, redeemed, receipt, offer)
            RETURNING id, seq
            """,
            logger: logger
        ).decode((Int64, Int64).self) {
            ids[seq] = id
        }
        let lines = facts.flatMap { entry, _, fact in fact.lines.enumerated().map { (ids[entry.seq] ?? 0, Int64($0.offset + 1), $0.element) } }
        try await insertLines(connection, lines, logger: logger)
        try await insertOverrides(connection, entries.map(\.0), store: store, logger: logger)
    }

    /// The batch's feedback entries as `feedback` rows, in one statement.
    /// ('' stands for NULL.)
    private static func insertFeedback(_ connection: PostgresConnection, _ entries: [(JournalEntry, CustomerID?)], store: StoreID, logger: Logger) async throws {
        let rows: [(JournalEntry, CustomerID?, FeedbackEvent)] = entries.compactMap { entry, customer in
            guard case .feedback(let feedback) = entry.event else { return nil }
            return (entry, customer, feedback)
        }
        guard let terminal = rows.first?.0.terminal else { return }
        try await connection.query(
            """
            INSERT INTO feedback (terminal, seq, store, customer, at_ms, score, comment, receipt)
            SELECT \(terminal.rawValue), f.seq, \(store.rawValue), NULLIF(f.customer, ''), f.at, f.score, NULLIF(f.comment, ''), NULLIF(f.receipt, '')
            FROM unnest(\(rows.map(\.0.seq))::bigint[], \(rows.map { $0.1?.rawValue ?? "" })::text[], \(rows.map(\.0.recordedAt.millis))::bigint[],
                \(rows.map { Int64($0.2.score) })::bigint[], \(rows.map { $0.2.comment ?? "" })::text[], \(rows.map { $0.2.receipt ?? "" })::text[])
                AS f(seq, customer, at, score, comment, receipt)
            """,
            logger: logger
        )
    }

    /// The batch's price overrides (see ``PriceOverrideRows``), in one
    /// statement. ('' stands for a NULL cashier.)
    private static func insertOverrides(_ connection: PostgresConnection, _ entries: [JournalEntry], store: StoreID, logger: Logger) async throws {
        let rows: [(JournalEntry, SaleEvent, PriceOverride)] = entries.flatMap { entry -> [(JournalEntry, SaleEvent, PriceOverride)] in
            guard case .sale(let sale) = entry.event else { return [] }
            return sale.priceOverrides.map { (entry, sale, $0) }
        }
        guard let terminal = rows.first?.0.terminal else { return }
        try await connection.query(
            """
            INSERT INTO price_overrides (terminal, seq, line, store, cashier, at_ms, sku, quantity, currency, quoted, charged, rule, price_list_version)
            SELECT \(terminal.rawValue), o.seq, o.line, \(store.rawValue), NULLIF(o.cashier, ''), o.at, o.sku, o.quantity, o.currency, o.quoted,
                o.charged, o.rule, o.version
            FROM unnest(\(rows.map(\.0.seq))::bigint[], \(rows.map { Int64($0.2.line) })::bigint[], \(rows.map { $0.1.cashier ?? "" })::text[],
                \(rows.map(\.0.recordedAt.millis))::bigint[], \(rows.map(\.2.sku))::text[], \(rows.map { $0.1.lines[$0.2.line - 1].quantity })::bigint[],
                \(rows.map(\.2.charged.currency.rawValue))::text[], \(rows.map(\.2.quoted.amount))::bigint[], \(rows.map(\.2.charged.amount))::bigint[],
                \(rows.map(\.2.rule))::text[], \(rows.map(\.2.version))::bigint[])
                AS o(seq, line, cashier, at, sku, quantity, currency, quoted, charged, rule, version)
            """,
            logger: logger
        )
    }

    /// Records an order of another channel, under its order id.
    static func insert(_ connection: PostgresConnection, online order: OnlineOrder, customer: CustomerID?, pointsEarned: Int64, logger: Logger) async throws {
        let id = try await connection.query(
            """
            INSERT INTO orders (kind, channel, customer, at_ms, currency, total, points_earned, points_redeemed, order_id, offer)
            VALUES ('sale', \(order.channel), \(customer?.rawValue), \(order.at.millis), \(order.total.currency.rawValue), \(order.total.amount),
                \(pointsEarned), 0, \(order.orderID), \(order.offer?.rawValue))
            RETURNING id
            """,
            logger: logger
        ).collect()[0].decode(Int64.self)
        try await insertLines(connection, order.lines.enumerated().map { (id, Int64($0.offset + 1), $0.element) }, logger: logger)
    }

    /// Lines as (order id, line number, line), in one statement.
    private static func insertLines(_ connection: PostgresConnection, _ lines: [(Int64, Int64, SaleLine)], logger: Logger) async throws {
        guard !lines.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO order_lines (order_id, line, sku, quantity, amount)
            SELECT * FROM unnest(\(lines.map(\.0))::bigint[], \(lines.map(\.1))::bigint[], \(lines.map(\.2.sku))::text[],
                \(lines.map(\.2.quantity))::bigint[], \(lines.map { $0.2.amount ?? 0 })::bigint[])
            """,
            logger: logger
        )
    }
}
