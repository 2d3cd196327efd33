import Foundation
import GRDB
import OmnisyncCore

/// The terminal's local view of customer profiles, answering with the network down.
///
/// It holds the join of what the hub last sent and what this terminal recorded
/// since, so a cashier sees their own changes at once and other stores'
/// changes after the next pull.
enum LocalProfileStore {
    static func profile(_ db: Database, id: CustomerID) throws -> ProfileState? {
        guard let data = try Data.fetchOne(db, sql: "SELECT state FROM profiles WHERE id = ?", arguments: [id.rawValue]) else {
            return nil
        }
        return try WireCoding.decode(ProfileState.self, from: data)
    }

    /// The customer a loyalty card belongs to, as far as this terminal knows.
    static func customer(_ db: Database, card: CardNumber) throws -> CustomerID? {
        try String.fetchOne(db, sql: "SELECT customer FROM cards WHERE card = ?", arguments: [card.rawValue])
            .flatMap(CustomerID.init(rawValue:))
    }

    /// Stores `state` and indexes its cards; an erased profile's cards are
    /// forgotten, so presenting one again enrols a new customer.
    static func save(_ db: Database, _ state: ProfileState) throws {
        try db.execute(
            sql: "INSERT INTO profiles (id, state) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state",
            arguments: [state.id.rawValue, try WireCoding.encode(state)]
        )
        if state.isErased {
            try db.execute(sql: "DELETE FROM cards WHERE customer = ?", arguments: [state.id.rawValue])
        }
        for card in state.cards {
            try db.execute(
                sql: "INSERT INTO cards (card, customer) VALUES (?, ?) ON CONFLICT (card) DO NOTHING",
                arguments: [card.rawValue, state.id.rawValue]
            )
        }
    }

    /// Merges a profile state received from the hub into the local copy.
    static func merge(_ db: Database, _ remote: ProfileState) throws {
        var local = try profile(db, id: remote.id) ?? ProfileState(id: remote.id)
        local.merge(remote)
        try save(db, local)
    }

    /// How many profiles the terminal holds.
    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles") ?? 0
    }
}
