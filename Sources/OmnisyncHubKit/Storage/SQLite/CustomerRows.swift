import Foundation
import GRDB
import OmnisyncCore
import OmnisyncStorage

/// How the SQLite backend keeps a ``CustomerRecord``: the merge state in its
/// compact binary form (``ProfileState/compactBytes``), the activity's
/// counters as columns of `customers`, and its totals by currency, store and
/// channel as rows of `customer_totals`, so the CRM aggregates them in SQL
/// and a push writes only the totals that changed.
enum CustomerRows {
    /// A set of keys as one statement argument (`IN (SELECT value FROM
    /// json_each(?))`): a batch's lookups run as one cached statement each,
    /// whatever the batch's size. Identifiers, card numbers and stamps hold
    /// no quote or backslash, so they need no escaping.
    static func jsonList(_ keys: some Sequence<String>) -> String {
        "[" + keys.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }

    /// The customers `ids` name, with their records, in four statements
    /// whatever their number (the push path loads hundreds per batch).
    static func loadMany(_ db: Database, ids: Set<CustomerID>) throws -> [CustomerID: CustomerRecord] {
        guard !ids.isEmpty else { return [:] }
        let list = jsonList(ids.map(\.rawValue))
        var records: [CustomerID: CustomerRecord] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT id, state, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms
                FROM customers WHERE id IN (SELECT value FROM json_each(?))
                """),
            arguments: [list]
        )
        while let row = try rows.next() {
            let id = try CustomerID(validating: row[0])
            records[id] = try record(id, row, offset: 1)
        }
        let totals = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT customer, dimension, key, value FROM customer_totals WHERE customer IN (SELECT value FROM json_each(?))"),
            arguments: [list]
        )
        while let total = try totals.next() {
            guard let id = CustomerID(rawValue: total[0]) else { continue }
            apply(total: total[1], key: total[2], value: total[3], to: &records[id, default: CustomerRecord(id: id)].activity)
        }
        return records
    }

    private static func record(_ id: CustomerID, _ row: Row, offset: Int) throws -> CustomerRecord {
        let state: ProfileState
        do {
            state = try ProfileState(compactBytes: [UInt8](row[offset] as Data))
        } catch {
            throw HubError(.storage, "the stored state of customer \(id) is unreadable (\(error)); restore the hub database from a backup")
        }
        var activity = CustomerActivity()
        activity.orders = row[offset + 1]
        activity.returns = row[offset + 2]
        activity.visits = row[offset + 3]
        activity.firstPurchase = Date(millis: row[offset + 4])
        activity.lastPurchase = Date(millis: row[offset + 5])
        activity.lastSeen = Date(millis: row[offset + 6])
        return CustomerRecord(state: state, activity: activity)
    }

    private static func apply(total dimension: String, key: String, value: Int64, to activity: inout CustomerActivity) {
        switch dimension {
        case "spend": if let currency = Currency(rawValue: key) { activity.spend[currency] = value }
        case "store": if let store = StoreID(rawValue: key) { activity.storeOrders[store] = Int(value) }
        default: activity.channelOrders[key] = Int(value)
        }
    }

    static func load(_ db: Database, id: CustomerID) throws -> CustomerRecord? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT state, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms FROM customers WHERE id = ?"),
            arguments: [id.rawValue]
        ) else { return nil }
        var record = try record(id, row, offset: 0)
        let totals = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT dimension, key, value FROM customer_totals WHERE customer = ?"), arguments: [id.rawValue]
        )
        while let total = try totals.next() {
            apply(total: total[0], key: total[1], value: total[2], to: &record.activity)
        }
        return record
    }

    /// Saves a customer. A state change takes the next change sequence (so
    /// terminals pull it) and clears the cached wire form; `before` is the
    /// activity as loaded, so only the totals that changed are written
    /// (nil: write them all).
    static func save(_ db: Database, _ record: CustomerRecord, before: CustomerActivity?, stateChanged: Bool) throws {
        try save(db, record, before: before.map { CustomerRecord(state: ProfileState(id: record.state.id), activity: $0) }, changeSeq: stateChanged ? nextChangeSeq(db) : nil)
    }

    /// Takes the next change sequence: what orders changes for pulls.
    static func nextChangeSeq(_ db: Database) throws -> Int64 {
        try db.run(sql: "UPDATE settings SET value = value + 1 WHERE key = 'change_seq'")
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = 'change_seq'"))!
    }

    /// Saves a customer with its state changed under `changeSeq` (nil: state
    /// unchanged); `before` is the record as loaded (nil: unknown), so that
    /// only changed totals and new cards are written.
    static func save(_ db: Database, _ record: CustomerRecord, before: CustomerRecord?, changeSeq: Int64?) throws {
        let id = record.state.id.rawValue
        let activity = record.activity
        if let changeSeq {
            var upsert = try BoundStatement(db, sql: """
                INSERT INTO customers (id, state, wire, change_seq, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms)
                VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, wire = NULL, change_seq = excluded.change_seq,
                    orders = excluded.orders, returns = excluded.returns, visits = excluded.visits,
                    first_purchase_ms = excluded.first_purchase_ms, last_purchase_ms = excluded.last_purchase_ms,
                    last_seen_ms = excluded.last_seen_ms
                """)
            upsert.bind(id)
            upsert.bind(Data(record.state.compactBytes))
            upsert.bind(changeSeq)
            bindCounters(&upsert, activity)
            try upsert.execute()
        } else if before.map({ $0.activity != activity }) ?? true {
            var update = try BoundStatement(db, sql: """
                UPDATE customers SET orders = ?, returns = ?, visits = ?, first_purchase_ms = ?, last_purchase_ms = ?, last_seen_ms = ?
                WHERE id = ?
                """)
            bindCounters(&update, activity)
            update.bind(id)
            try update.execute()
        }
        try saveTotals(db, id: id, activity, before: before?.activity)
        if record.state.isErased {
            try db.run(sql: "DELETE FROM cards WHERE customer = ?", arguments: [id])
        }
        // The first customer to hold a card keeps it; a disagreement is logged
        // by the ingestor, and settled by an identity merge.
        for card in record.state.cards where before?.state.cards.contains(card) != true {
            try db.run(sql: "INSERT INTO cards (card, customer) VALUES (?, ?) ON CONFLICT (card) DO NOTHING", arguments: [card.rawValue, id])
        }
    }

    /// The activity's counters, in the order of the `customers` columns.
    private static func bindCounters(_ statement: inout BoundStatement, _ activity: CustomerActivity) {
        statement.bind(activity.orders)
        statement.bind(activity.returns)
        statement.bind(activity.visits)
        statement.bind(activity.firstPurchase?.millis)
        statement.bind(activity.lastPurchase?.millis)
        statement.bind(activity.lastSeen?.millis)
    }

    private static func saveTotals(_ db: Database, id: String, _ activity: CustomerActivity, before: CustomerActivity?) throws {
        if activity == CustomerActivity() {
            // Cleared (an erasure): nothing of their behaviour stays.
            if before.map({ $0 != activity }) ?? true { try deleteTotals(db, id: id) }
            return
        }
        let previous = before ?? CustomerActivity()
        var statement = try BoundStatement(db, sql: """
            INSERT INTO customer_totals (customer, dimension, key, value) VALUES (?, ?, ?, ?)
            ON CONFLICT (customer, dimension, key) DO UPDATE SET value = excluded.value
            """)
        func upsert(_ dimension: String, _ key: String, _ value: Int64) throws {
            statement.bind(id)
            statement.bind(dimension)
            statement.bind(key)
            statement.bind(value)
            try statement.execute()
        }
        for (currency, amount) in activity.spend where previous.spend[currency] != amount {
            try upsert("spend", currency.rawValue, amount)
        }
        for (store, orders) in activity.storeOrders where previous.storeOrders[store] != orders {
            try upsert("store", store.rawValue, Int64(orders))
        }
        for (channel, orders) in activity.channelOrders where previous.channelOrders[channel] != orders {
            try upsert("channel", channel, Int64(orders))
        }
    }

    static func deleteTotals(_ db: Database, id: String) throws {
        try db.run(sql: "DELETE FROM customer_totals WHERE customer = ?", arguments: [id])
    }
}
