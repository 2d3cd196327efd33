import Foundation
import GRDB
import OmnisyncCore
import OmnisyncStorage

/// Sales and returns as facts a query can aggregate (`orders` and
/// `order_lines`), and feedback as `feedback` rows, written when their entry
/// is applied, in its transaction.
///
/// The journal entry stays the record of what the terminal said (its bytes
/// as received, under the hash chain); these rows are the hub's reading of
/// it, by customer after identity merges, store, channel and time.
enum OrderRows {
    /// Records the fact an applied entry carries, if it is a sale or a return.
    static func insert(_ db: Database, entry: JournalEntry, customer: CustomerID?, store: StoreID, channel: String = "store") throws {
        if case .feedback(let feedback) = entry.event {
            try db.execute(
                sql: "INSERT INTO feedback (terminal, seq, store, customer, at_ms, score, comment, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    entry.terminal.rawValue, entry.seq, store.rawValue, customer?.rawValue, entry.recordedAt.millis, feedback.score, feedback.comment,
                    feedback.receipt,
                ]
            )
            return
        }
        guard let fact = OrderFact(entry.event) else { return }
        let (kind, lines, total, receipt, earned, redeemed) = (fact.kind, fact.lines, fact.total, fact.receipt, fact.earned, fact.redeemed)
        // The offer column only when there is an offer: migration v5 writes
        // the facts of old entries (which never name one) through this path,
        // before v15 adds the column.
        var order = try BoundStatement(db, sql: fact.offer == nil
            ? """
                INSERT INTO orders (kind, channel, store, terminal, seq, customer, at_ms, currency, total, points_earned, points_redeemed, receipt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            : """
                INSERT INTO orders (kind, channel, store, terminal, seq, customer, at_ms, currency, total, points_earned, points_redeemed, receipt, offer)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        order.bind(kind)
        order.bind(channel)
        order.bind(store.rawValue)
        order.bind(entry.terminal.rawValue)
        order.bind(entry.seq)
        order.bind(customer?.rawValue)
        order.bind(entry.recordedAt.millis)
        order.bind(total.currency.rawValue)
        order.bind(total.amount)
        order.bind(earned)
        order.bind(redeemed)
        order.bind(receipt)
        if let offer = fact.offer { order.bind(offer.rawValue) }
        try order.execute()
        try insertLines(db, order: db.lastInsertedRowID, lines)
        if case .sale(let sale) = entry.event { try PriceOverrideRows.insert(db, entry: entry, sale: sale, store: store) }
    }

    /// Records an order of another channel, under its order id.
    static func insert(_ db: Database, online order: OnlineOrder, customer: CustomerID?, pointsEarned: Int64) throws {
        var row = try BoundStatement(db, sql: """
            INSERT INTO orders (kind, channel, store, terminal, seq, customer, at_ms, currency, total, points_earned, points_redeemed, receipt, order_id, offer)
            VALUES ('sale', ?, NULL, NULL, NULL, ?, ?, ?, ?, ?, 0, NULL, ?, ?)
            """)
        row.bind(order.channel)
        row.bind(customer?.rawValue)
        row.bind(order.at.millis)
        row.bind(order.total.currency.rawValue)
        row.bind(order.total.amount)
        row.bind(pointsEarned)
        row.bind(order.orderID)
        row.bind(order.offer?.rawValue)
        try row.execute()
        try insertLines(db, order: db.lastInsertedRowID, order.lines)
    }

    private static func insertLines(_ db: Database, order id: Int64, _ lines: [SaleLine]) throws {
        var line = try BoundStatement(db, sql: "INSERT INTO order_lines (order_id, line, sku, quantity, amount) VALUES (?, ?, ?, ?, ?)")
        for (index, item) in lines.enumerated() {
            line.bind(id)
            line.bind(index + 1)
            line.bind(item.sku)
            line.bind(item.quantity)
            // Bounded by the receipt rule, so the product cannot overflow.
            line.bind(item.amount ?? 0)
            try line.execute()
        }
    }

    /// The facts of `from` now belong to `to` (an identity merge).
    static func reassign(_ db: Database, from: String, to: String) throws {
        try db.run(sql: "UPDATE orders SET customer = ? WHERE customer = ?", arguments: [to, from])
    }
}
