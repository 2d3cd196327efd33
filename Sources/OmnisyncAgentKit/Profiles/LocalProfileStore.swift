import Foundation
import GRDB
import OmnisyncCore

/// The terminal's local view of customer profiles, answering with the network down.
///
/// It mirrors the hub: a profile is the state the hub last sent, with this
/// terminal's not-yet-acknowledged entries applied on top. So a cashier sees
/// their own changes at once and other stores' changes after the next pull,
/// and every decision the hub takes (a merge of duplicates, an erasure, a
/// clamped timestamp) reaches the terminal as it is.
enum LocalProfileStore {
    static func profile(_ db: Database, id: CustomerID) throws -> ProfileState? {
        guard let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT state FROM profiles WHERE id = ?"), arguments: [resolve(db, id).rawValue]) else {
            return nil
        }
        return try decode(data, id: id)
    }

    /// A stored profile's state (its compact form).
    static func decode(_ data: Data, id: CustomerID) throws -> ProfileState {
        do {
            return try ProfileState(compactBytes: [UInt8](data))
        } catch {
            throw AgentError(.storage, "the local profile of customer \(id) is unreadable (\(error)); run `omnisync-agent verify`, then a full pull restores it")
        }
    }

    /// The customer an id now stands for: itself, or the one the hub merged it into.
    /// The profile of whoever holds `card`, through identity merges, in one
    /// indexed statement: what a till does when a card is presented.
    static func profile(_ db: Database, card: CardNumber) throws -> ProfileState? {
        // A cursor's row reads the statement in place (fetchOne copies every
        // column first), and the state is decoded straight from SQLite's buffer.
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT p.id, p.state FROM cards c
                LEFT JOIN customer_aliases a ON a.alias = c.customer
                JOIN profiles p ON p.id = COALESCE(a.target, c.customer)
                WHERE c.card = ?
                """),
            arguments: [card.rawValue]
        )
        guard let row = try rows.next() else { return nil }
        let id = try CustomerID(validating: row[0])
        return try row.withUnsafeData(atIndex: 1) { data in try decode(data ?? Data(), id: id) }
    }

    static func resolve(_ db: Database, _ id: CustomerID) throws -> CustomerID {
        try String.fetchOne(db.cachedStatement(sql: "SELECT target FROM customer_aliases WHERE alias = ?"), arguments: [id.rawValue])
            .flatMap(CustomerID.init(rawValue:)) ?? id
    }

    /// The customer a loyalty card belongs to, as far as this terminal knows.
    static func customer(_ db: Database, card: CardNumber) throws -> CustomerID? {
        guard let id = try String.fetchOne(db.cachedStatement(sql: "SELECT customer FROM cards WHERE card = ?"), arguments: [card.rawValue])
            .flatMap(CustomerID.init(rawValue:))
        else { return nil }
        return try resolve(db, id)
    }

    /// True when the customer (or the one it was merged into) was erased.
    static func isErased(_ db: Database, _ id: CustomerID) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM erased_customers WHERE id = ?"), arguments: [resolve(db, id).rawValue]) ?? false
    }

    /// Stores `state` and indexes its cards. An erased profile's cards are
    /// forgotten (presenting one again enrols a new customer) and its ids
    /// remembered, so entries about it lose their personal data once acknowledged.
    static func save(_ db: Database, _ state: ProfileState) throws {
        // Statements cached and unchanged card rows left alone: this runs for
        // every sale to a known customer, and each page it dirties is written
        // and synced.
        try db.cachedStatement(sql: "INSERT INTO profiles (id, state) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state")
            .execute(arguments: [state.id.rawValue, Data(state.compactBytes)])
        let ids = [state.id] + state.mergedFrom.sorted()
        if state.isErased {
            for id in ids {
                try db.execute(sql: "DELETE FROM cards WHERE customer = ?", arguments: [id.rawValue])
                try db.execute(sql: "INSERT INTO erased_customers (id) VALUES (?) ON CONFLICT DO NOTHING", arguments: [id.rawValue])
            }
        }
        for card in state.cards {
            try db.cachedStatement(sql: """
                INSERT INTO cards (card, customer) VALUES (?, ?)
                ON CONFLICT (card) DO UPDATE SET customer = excluded.customer WHERE customer <> excluded.customer
                """).execute(arguments: [card.rawValue, state.id.rawValue])
        }
    }

    /// Adopts a profile state received from the hub: it replaces the local
    /// copy, with this terminal's pending entries about it applied on top.
    /// Customers the hub merged into it become aliases of it.
    ///
    /// - Returns: true when this erased a profile the terminal held.
    @discardableResult
    static func adopt(_ db: Database, _ remote: ProfileState, pending: [JournalEntry]) throws -> Bool {
        let erasesLocalData = try remote.isErased && (profile(db, id: remote.id).map { !$0.isErased } ?? false)
        for alias in remote.mergedFrom {
            try db.execute(
                sql: "INSERT INTO customer_aliases (alias, target) VALUES (?, ?) ON CONFLICT (alias) DO UPDATE SET target = excluded.target",
                arguments: [alias.rawValue, remote.id.rawValue]
            )
            try db.execute(sql: "DELETE FROM profiles WHERE id = ?", arguments: [alias.rawValue])
        }
        var state = remote
        for entry in pending where entry.event.customer.map(state.answers(for:)) == true {
            // An entry that no longer applies on top of the hub's state (a
            // counter the hub has grown near its limit) stays in the journal
            // and is pushed as ever; the hub then quarantines it and says why.
            _ = try? state.apply(entry)
        }
        try save(db, state)
        return erasesLocalData
    }

    /// How many profiles the terminal holds.
    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles") ?? 0
    }
}
