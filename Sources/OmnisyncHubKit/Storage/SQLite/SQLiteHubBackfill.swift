import Foundation
import GRDB
import OmnisyncCore

/// Fills the tables and columns of a migration from what earlier versions
/// stored.
enum SQLiteHubBackfill {
    /// v5: from the JSON state and activity of each customer, and the applied entries.
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
            try db.execute(sql: "DELETE FROM customer_totals WHERE customer = ?", arguments: [id])
        }
    }

    /// Moves v5's `customer_totals` rows into the `totals` column of each
    /// customer (``CustomerTotalsColumn``).
    static func v6(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT customer, dimension, key, value FROM customer_totals ORDER BY customer")
        var current: (id: String, activity: CustomerActivity)?
        func flush() throws {
            guard let (id, activity) = current else { return }
            try db.execute(sql: "UPDATE customers SET totals = ? WHERE id = ?", arguments: [CustomerTotalsColumn.encode(activity), id])
        }
        while let row = try rows.next() {
            let id: String = row[0]
            if current?.id != id {
                try flush()
                current = (id, CustomerActivity())
            }
            let (dimension, key, value): (String, String, Int64) = (row[1], row[2], row[3])
            switch dimension {
            case "spend":
                guard let currency = Currency(rawValue: key) else { throw HubError(.storage, "customer_totals names an invalid currency '\(key)'") }
                current?.activity.spend[currency] = value
            case "store": current?.activity.storeOrders[try StoreID(validating: key)] = Int(value)
            default: current?.activity.channelOrders[key] = Int(value)
            }
        }
        try flush()
    }
}
