import Foundation
import GRDB
import OmnisyncCore

/// Fills the tables of migration v5 from what earlier versions stored: the
/// JSON state and activity of each customer, and the applied entries.
enum SQLiteHubBackfill {
    static func v5(_ db: Database) throws {
        var erased: [String] = []
        let customers = try Row.fetchCursor(db, sql: "SELECT id, state, activity, change_seq FROM customers")
        while let row = try customers.next() {
            let id: String = row["id"]
            let state = try WireCoding.decode(ProfileState.self, from: row["state"])
            let activity = try WireCoding.decode(CustomerActivity.self, from: row["activity"])
            if state.isErased { erased.append(id) }
            try db.execute(
                sql: """
                    INSERT INTO customers_v5 (id, state, wire, change_seq, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, Data(state.compactBytes), row["state"] as Data, row["change_seq"] as Int64, activity.orders, activity.returns, activity.visits,
                    activity.firstPurchase?.millis, activity.lastPurchase?.millis, activity.lastSeen?.millis,
                ]
            )
            for (currency, amount) in activity.spend {
                try db.execute(sql: "INSERT INTO customer_totals VALUES (?, 'spend', ?, ?)", arguments: [id, currency.rawValue, amount])
            }
            for store in activity.stores {
                try db.execute(sql: "INSERT INTO customer_totals VALUES (?, 'store', ?, 0)", arguments: [id, store.rawValue])
            }
        }
        let entries = try Row.fetchCursor(db, sql: """
            SELECT e.body, COALESCE(a.target, e.customer) AS customer, t.store
            FROM entries e JOIN terminals t ON t.id = e.terminal LEFT JOIN customer_aliases a ON a.alias = e.customer
            WHERE e.status = 'applied' AND e.kind IN ('sale', 'return')
            ORDER BY e.received_at_ms, e.terminal, e.seq
            """)
        while let row = try entries.next() {
            let entry = try WireCoding.decode(JournalEntry.self, from: row["body"])
            try OrderRows.insert(
                db, entry: entry, customer: (row["customer"] as String?).flatMap(CustomerID.init(rawValue:)),
                store: try StoreID(validating: row["store"])
            )
        }
        try db.execute(sql: """
            INSERT INTO customer_totals (customer, dimension, key, value)
                SELECT customer, 'store', store, COUNT(*) FROM orders WHERE kind = 'sale' AND customer IS NOT NULL GROUP BY customer, store
                ON CONFLICT (customer, dimension, key) DO UPDATE SET value = excluded.value;
            INSERT INTO customer_totals (customer, dimension, key, value)
                SELECT customer, 'channel', channel, COUNT(*) FROM orders WHERE kind = 'sale' AND customer IS NOT NULL GROUP BY customer, channel
                ON CONFLICT (customer, dimension, key) DO UPDATE SET value = excluded.value;
            """)
        for id in erased {
            try CustomerRows.deleteTotals(db, id: id)
        }
    }
}
