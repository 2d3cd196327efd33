public import Foundation
import GRDB
public import OmnisyncCore

/// Customers: the identity index (aliases, cards, store links), identity
/// merges, erasure and the scrubbing of what the hub keeps about an erased customer.
extension SQLiteHubStore {
    public func customer(id: CustomerID) async throws(HubError) -> CustomerRecord? {
        try await read { db in try Self.customer(db, id: try Self.resolve(db, id)) }
    }

    public func customer(card: CardNumber) async throws(HubError) -> CustomerRecord? {
        try await read { db in
            guard let holder = try Self.cardHolder(db, card) else { return nil }
            return try Self.customer(db, id: holder)
        }
    }

    public func customers(holding kind: DuplicateContact.Kind, _ value: String) async throws(HubError) -> [CustomerRecord] {
        try await read { db in
            try ContactRows.customers(db, kind: kind, value: value).compactMap { try Self.customer(db, id: $0) }
        }
    }

    public func topProducts(of customer: CustomerID, limit: Int) async throws(HubError) -> [ProductCount] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT l.sku, SUM(CASE o.kind WHEN 'sale' THEN l.quantity ELSE -l.quantity END) AS quantity
                    FROM orders o JOIN order_lines l ON l.order_id = o.id
                    WHERE o.customer = ? GROUP BY l.sku HAVING quantity > 0 ORDER BY quantity DESC, l.sku LIMIT ?
                    """,
                arguments: [try Self.resolve(db, customer).rawValue, limit]
            ).map { ProductCount(sku: $0["sku"], quantity: $0["quantity"]) }
        }
    }

    public func mergeCustomers(survivor: CustomerID, absorbed: CustomerID, at: Date) async throws(HubError) -> CustomerRecord {
        try await write { db in
            let survivorID = try Self.resolve(db, survivor)
            let absorbedID = try Self.resolve(db, absorbed)
            guard survivorID != absorbedID else {
                throw HubError(.malformedRequest, "\(absorbed) and \(survivor) are already one customer (\(survivorID))")
            }
            guard var kept = try Self.customer(db, id: survivorID) else { throw HubError(.notFound, "no customer \(survivor) at the hub") }
            guard let gone = try Self.customer(db, id: absorbedID) else { throw HubError(.notFound, "no customer \(absorbed) at the hub") }
            guard !kept.state.isErased, !gone.state.isErased else {
                throw HubError(.malformedRequest, "an erased customer cannot be merged")
            }
            kept.state.absorb(gone.state)
            kept.activity.absorb(gone.activity)
            try Self.absorb(db, AliasRecord(alias: absorbedID, target: survivorID, reason: "merged by an operator"), at: at)
            try CustomerRows.save(db, kept, before: nil, stateChanged: true)
            return kept
        }
    }

    public func eraseCustomer(_ id: CustomerID, at: Date) async throws(HubError) -> CustomerRecord {
        let erased = try await write { db in
            let target = try Self.resolve(db, id)
            guard var record = try Self.customer(db, id: target) else { throw HubError(.notFound, "no customer \(id) at the hub") }
            let cards = record.state.cards.union(try Self.cards(db, of: [target] + record.state.mergedFrom.sorted()))
            record.state.erase(at: try Self.tickHubClock(db, now: at))
            record.activity = CustomerActivity()
            try CustomerRows.save(db, record, before: nil, stateChanged: true)
            try Self.scrubErased(db, record.state, cards: cards)
            return record
        }
        try purgeOldPageVersions()
        return erased
    }

    /// The customer `id` stands for: itself, or the one it was merged into.
    static func resolve(_ db: Database, _ id: CustomerID) throws -> CustomerID {
        try String.fetchOne(db.cachedStatement(sql: "SELECT target FROM customer_aliases WHERE alias = ?"), arguments: [id.rawValue])
            .flatMap(CustomerID.init(rawValue:)) ?? id
    }

    static func cardHolder(_ db: Database, _ card: CardNumber) throws -> CustomerID? {
        guard let holder = try String.fetchOne(db.cachedStatement(sql: "SELECT customer FROM cards WHERE card = ?"), arguments: [card.rawValue]) else {
            return nil
        }
        return try resolve(db, try CustomerID(validating: holder))
    }

    static func customer(_ db: Database, id: CustomerID) throws -> CustomerRecord? {
        try CustomerRows.load(db, id: id)
    }

    /// Records that `alias` was merged into `target` and moves everything
    /// that pointed at it: its row goes, its cards, stores, conflicts and
    /// overdrafts follow, and earlier aliases of it now point at the target.
    static func absorb(_ db: Database, _ alias: AliasRecord, at: Date) throws {
        let (from, to) = (alias.alias.rawValue, alias.target.rawValue)
        try db.run(sql: "DELETE FROM customers WHERE id = ?", arguments: [from])
        try db.run(
            sql: "INSERT INTO customer_aliases (alias, target, reason, merged_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (alias) DO UPDATE SET target = excluded.target",
            arguments: [from, to, alias.reason, at.millis]
        )
        try db.run(sql: "UPDATE customer_aliases SET target = ? WHERE target = ?", arguments: [to, from])
        try db.run(sql: "UPDATE cards SET customer = ? WHERE customer = ?", arguments: [to, from])
        try db.run(
            sql: "INSERT INTO store_customers (store, customer) SELECT store, ? FROM store_customers WHERE customer = ? ON CONFLICT DO NOTHING",
            arguments: [to, from]
        )
        try db.run(sql: "DELETE FROM store_customers WHERE customer = ?", arguments: [from])
        try db.run(sql: "UPDATE conflicts SET customer = ? WHERE customer = ?", arguments: [to, from])
        try db.run(sql: "UPDATE overdrafts SET customer = ? WHERE customer = ?", arguments: [to, from])
        try OrderRows.reassign(db, from: from, to: to)
        // Their purchases are one customer's now: work out the interests and window sums again.
        try db.run(sql: "UPDATE customers SET interests = NULL, window_stale = 1 WHERE id = ?", arguments: [to])
        try ContactRows.delete(db, customer: from)
        try EventRows.reassign(db, from: from, to: to)
    }

    /// Removes an erased customer's personal data from everything the hub
    /// keeps: the entries that named them, applied or quarantined (redacted,
    /// not deleted: the sales stay, and each keeps the hash its successor
    /// links to); the conflict log, card conflicts over their cards included;
    /// and the card lookup audit. `cards` are the cards they held before the
    /// erasure (an erased state holds none).
    static func scrubErased(_ db: Database, _ state: ProfileState, cards: Set<CardNumber>) throws {
        let ids = ([state.id] + state.mergedFrom.sorted()).map(\.rawValue)
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT terminal, seq, body, status FROM entries WHERE customer IN (\(placeholders))",
            arguments: StatementArguments(ids)
        )
        for row in rows {
            try redact(db, terminal: row["terminal"], seq: row["seq"], body: row["body"], quarantined: row["status"] == "quarantined")
        }
        // Quarantined entries that could not be read have no customer column:
        // look for the customer's ids and cards in their bytes.
        let needles = ids + cards.map(\.rawValue)
        let unreadable = try Row.fetchAll(db, sql: "SELECT terminal, seq, body FROM entries WHERE status = 'quarantined' AND customer IS NULL")
        for row in unreadable {
            let body = String(decoding: row["body"] as Data, as: UTF8.self)
            guard needles.contains(where: { body.contains($0) }) else { continue }
            try redact(db, terminal: row["terminal"], seq: row["seq"], body: row["body"], quarantined: true)
        }
        try db.execute(sql: "DELETE FROM conflicts WHERE customer IN (\(placeholders))", arguments: StatementArguments(ids))
        // A card conflict names the holder in `won_value` and the card in `lost_value`.
        try db.execute(sql: "DELETE FROM conflicts WHERE field = 'card' AND won_value IN (\(placeholders))", arguments: StatementArguments(ids))
        for card in cards {
            try db.execute(sql: "DELETE FROM conflicts WHERE field = 'card' AND lost_value = ?", arguments: [card.rawValue])
        }
        try db.execute(sql: "UPDATE card_lookups SET customer = NULL, card_last4 = '****' WHERE customer IN (\(placeholders))", arguments: StatementArguments(ids))
        // Their feedback keeps its score (it still counts), not what they wrote nor who they were.
        try db.execute(sql: "UPDATE feedback SET comment = NULL, customer = NULL WHERE customer IN (\(placeholders))", arguments: StatementArguments(ids))
    }

    /// Replaces a stored entry's body by its redacted form; an entry that
    /// cannot be read is replaced by a stub saying so (its quarantine reason
    /// too), since no part of it can be kept safely.
    static func redact(_ db: Database, terminal: String, seq: Int64, body: Data, quarantined: Bool) throws {
        if let entry = try? WireCoding.decode(JournalEntry.self, from: body) {
            try db.run(sql: "UPDATE entries SET body = ? WHERE terminal = ? AND seq = ?", arguments: [try WireCoding.encode(entry.redactingPersonalData()), terminal, seq])
            return
        }
        let stub = try WireCoding.encode(["redacted": "the customer this entry named was erased", "seq": "\(seq)", "terminal": terminal])
        try db.run(sql: "UPDATE entries SET body = ? WHERE terminal = ? AND seq = ?", arguments: [stub, terminal, seq])
        if quarantined {
            try db.run(
                sql: "UPDATE quarantine SET reason = ? WHERE terminal = ? AND seq = ?",
                arguments: ["redacted: it named a customer since erased (it could not be read, so nothing of it was kept)", terminal, seq]
            )
        }
    }

    /// The cards `ids` hold in the card index.
    static func cards(_ db: Database, of ids: [CustomerID]) throws -> Set<CardNumber> {
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        return Set(try String.fetchAll(db, sql: "SELECT card FROM cards WHERE customer IN (\(placeholders))", arguments: StatementArguments(ids.map(\.rawValue)))
            .compactMap(CardNumber.init(rawValue:)))
    }

    /// Makes the customer one the store's terminals receive; true if new.
    /// Which of `ids` the store's terminals already receive.
    static func linkedCustomers(_ db: Database, store: StoreID, _ ids: Set<CustomerID>) throws -> Set<CustomerID> {
        guard !ids.isEmpty else { return [] }
        return Set(try String.fetchAll(
            db.cachedStatement(sql: "SELECT customer FROM store_customers WHERE store = ? AND customer IN (SELECT value FROM json_each(?))"),
            arguments: [store.rawValue, CustomerRows.jsonList(ids.map(\.rawValue))]
        ).compactMap(CustomerID.init(rawValue:)))
    }

    static func linkStore(_ db: Database, store: StoreID, customer: CustomerID) throws -> Bool {
        try db.run(
            sql: "INSERT INTO store_customers (store, customer) VALUES (?, ?) ON CONFLICT DO NOTHING",
            arguments: [store.rawValue, customer.rawValue]
        )
        return db.changesCount > 0
    }
}
