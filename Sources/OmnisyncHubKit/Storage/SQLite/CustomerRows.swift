import Foundation
import GRDB
import OmnisyncCore
import OmnisyncStorage

/// How the SQLite backend keeps a ``CustomerRecord``: the merge state in its
/// compact binary form (``ProfileState/compactBytes``), the activity's
/// counters and its totals by currency, store and channel as columns of
/// `customers` (``CustomerTotalsColumn``), so the CRM aggregates them in SQL
/// and a push writes each customer it touched once.
enum CustomerRows {
    /// A set of keys as one statement argument (`IN (SELECT value FROM
    /// json_each(?))`): a batch's lookups run as one cached statement each,
    /// whatever the batch's size. Identifiers, card numbers and stamps hold
    /// no quote or backslash, so they need no escaping.
    static func jsonList(_ keys: some Sequence<String>) -> String {
        "[" + keys.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }

    /// The customers `ids` name, with their records, in one statement
    /// whatever their number (the push path loads hundreds per batch).
    static func loadMany(_ db: Database, ids: Set<CustomerID>) throws -> [CustomerID: CustomerRecord] {
        guard !ids.isEmpty else { return [:] }
        var records: [CustomerID: CustomerRecord] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT id, state, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms, totals
                FROM customers WHERE id IN (SELECT value FROM json_each(?))
                """),
            arguments: [jsonList(ids.map(\.rawValue))]
        )
        while let row = try rows.next() {
            let id = try CustomerID(validating: row[0])
            records[id] = try record(id, row, offset: 1)
        }
        return records
    }

    /// A record from `state, orders, returns, visits, first_purchase_ms,
    /// last_purchase_ms, last_seen_ms, totals` starting at column `offset`.
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
        try CustomerTotalsColumn.decode(row[offset + 7], into: &activity)
        return CustomerRecord(state: state, activity: activity)
    }

    static func load(_ db: Database, id: CustomerID) throws -> CustomerRecord? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT state, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms, totals FROM customers WHERE id = ?
                """),
            arguments: [id.rawValue]
        ) else { return nil }
        return try record(id, row, offset: 0)
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
    /// an unchanged activity and known cards are not written again.
    static func save(_ db: Database, _ record: CustomerRecord, before: CustomerRecord?, changeSeq: Int64?) throws {
        let id = record.state.id.rawValue
        let activity = record.activity
        if let changeSeq {
            // A row as loaded is updated; one not loaded may exist or not.
            if try before == nil || !updateState(db, record, changeSeq: changeSeq) {
                var upsert = try BoundStatement(db, sql: """
                    INSERT INTO customers (id, state, wire, change_seq, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms, totals)
                    VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET state = excluded.state, wire = NULL, change_seq = excluded.change_seq,
                        orders = excluded.orders, returns = excluded.returns, visits = excluded.visits,
                        first_purchase_ms = excluded.first_purchase_ms, last_purchase_ms = excluded.last_purchase_ms,
                        last_seen_ms = excluded.last_seen_ms, totals = excluded.totals
                    """)
                upsert.bind(id)
                upsert.bind(Data(record.state.compactBytes))
                upsert.bind(changeSeq)
                bindCounters(&upsert, activity)
                try upsert.execute()
            }
        } else if before.map({ $0.activity != activity }) ?? true {
            var update = try BoundStatement(db, sql: """
                UPDATE customers SET orders = ?, returns = ?, visits = ?, first_purchase_ms = ?, last_purchase_ms = ?, last_seen_ms = ?, totals = ?
                WHERE id = ?
                """)
            bindCounters(&update, activity)
            update.bind(id)
            try update.execute()
        }
        if changeSeq != nil {
            try ContactRows.update(db, record.state, before: before?.state)
        }
        if record.state.isErased {
            try db.run(sql: "DELETE FROM cards WHERE customer = ?", arguments: [id])
        }
        // The first customer to hold a card keeps it; a disagreement is logged
        // by the ingestor, and settled by an identity merge.
        for card in record.state.cards where before?.state.cards.contains(card) != true {
            try db.run(sql: "INSERT INTO cards (card, customer) VALUES (?, ?) ON CONFLICT (card) DO NOTHING", arguments: [card.rawValue, id])
        }
    }

    /// Rewrites the state and activity of a customer whose row was loaded;
    /// false when there was no row to update. An `UPDATE` of a row known to
    /// exist is one B-tree search, where an upsert is two.
    private static func updateState(_ db: Database, _ record: CustomerRecord, changeSeq: Int64) throws -> Bool {
        var update = try BoundStatement(db, sql: """
            UPDATE customers SET state = ?, wire = NULL, change_seq = ?,
                orders = ?, returns = ?, visits = ?, first_purchase_ms = ?, last_purchase_ms = ?, last_seen_ms = ?, totals = ?
            WHERE id = ?
            """)
        update.bind(Data(record.state.compactBytes))
        update.bind(changeSeq)
        bindCounters(&update, record.activity)
        update.bind(record.state.id.rawValue)
        try update.execute()
        return db.changesCount == 1
    }

    /// The activity's counters and totals, in the order of the `customers` columns.
    private static func bindCounters(_ statement: inout BoundStatement, _ activity: CustomerActivity) {
        statement.bind(activity.orders)
        statement.bind(activity.returns)
        statement.bind(activity.visits)
        statement.bind(activity.firstPurchase?.millis)
        statement.bind(activity.lastPurchase?.millis)
        statement.bind(activity.lastSeen?.millis)
        statement.bind(CustomerTotalsColumn.encode(activity))
    }
}
