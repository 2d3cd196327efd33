import Foundation
import GRDB
import OmnisyncCore

/// The `customer_events` table: purchase events as they are raised.
enum EventRows {
    static func insert(_ db: Database, _ events: [PurchaseEvents.Event], raisedAt: Date) throws {
        for event in events {
            try db.run(
                sql: "INSERT INTO customer_events (customer, kind, at_ms, currency, total, raised_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [event.customer.rawValue, event.kind.rawValue, event.at.millis, event.total.currency.rawValue, event.total.amount, raisedAt.millis]
            )
        }
    }

    /// An identity merge: the absorbed customer's events are the survivor's.
    static func reassign(_ db: Database, from: String, to: String) throws {
        try db.execute(sql: "UPDATE customer_events SET customer = ? WHERE customer = ?", arguments: [to, from])
    }
}
