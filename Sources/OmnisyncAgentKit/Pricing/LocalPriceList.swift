import Foundation
import GRDB
import OmnisyncCore

/// The terminal's copy of the hub's price list, in its SQLite database.
///
/// A delta is applied in one transaction with the new version, so a terminal
/// killed mid-apply restarts with the old list or the new one, never a mix.
enum LocalPriceList {
    /// The version this terminal has, and when it last changed (0, nil: none yet).
    static func version(_ db: Database) throws -> (version: Int64, updatedAt: Date?) {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, updated_at_ms FROM price_state WHERE id = 1") else { return (0, nil) }
        return (row["version"], Date(millis: row["updated_at_ms"]))
    }

    /// How many rows the copy holds.
    static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM price_entries") ?? 0
    }

    /// Applies `delta` (the whole list when `full`) and records its version.
    /// `entryJSON`, when given, holds each entry's JSON as received, stored
    /// as it is instead of encoding the entry again.
    static func apply(_ db: Database, _ delta: PriceDelta, entryJSON: [Data]? = nil, at time: Date) throws {
        if delta.full {
            try db.execute(sql: "DELETE FROM price_entries")
        }
        let upsert = try db.cachedStatement(sql: "INSERT INTO price_entries (key, body) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET body = excluded.body")
        let received = entryJSON?.count == delta.entries.count ? entryJSON : nil
        for (index, entry) in delta.entries.enumerated() {
            let json = try received?[index] ?? WireCoding.encode(entry)
            let body = String(decoding: json, as: UTF8.self)
            try upsert.execute(arguments: [entry.key, body])
        }
        let remove = try db.cachedStatement(sql: "DELETE FROM price_entries WHERE key = ?")
        for key in delta.removed { try remove.execute(arguments: [key]) }
        try db.execute(
            sql: """
                INSERT INTO price_state (id, version, updated_at_ms) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, updated_at_ms = excluded.updated_at_ms
                """,
            arguments: [delta.version, time.millis]
        )
    }

    /// The list as stored here; a row this agent cannot read (written by a
    /// newer hub) is left out and counted.
    static func read(_ db: Database) throws -> (list: PriceList, unreadable: Int) {
        let (entries, unreadable) = decode(try String.fetchAll(db, sql: "SELECT body FROM price_entries"))
        return (PriceList(entries: entries), unreadable)
    }

    /// The part of the list that can price `skus` at `store`: their base,
    /// override and member rows and their category, every promotion, and the
    /// store's region. Quoting from it gives what the whole list gives, at the
    /// cost of a few index lookups instead of reading 100,000 rows (a sale is
    /// checked against the list as it is recorded). The promotions and the
    /// region, the same for every SKU, come from `cache` when it holds them
    /// for this copy of the list.
    ///
    /// Keys start with their kind and SKU, followed by a space (SKUs have
    /// none), so each SKU's rows of a kind are one range of the primary key.
    static func read(
        _ db: Database, skus: some Sequence<String>, store: StoreID, cache: PriceListCache = PriceListCache()
    ) throws -> (list: PriceList, unreadable: Int) {
        let range = try db.cachedStatement(sql: "SELECT body FROM price_entries WHERE key >= ? AND key < ?")
        let exact = try db.cachedStatement(sql: "SELECT body FROM price_entries WHERE key = ?")
        // " " is followed by "!" in byte order: [prefix + " ", prefix + "!") holds every key that starts with prefix + " ".
        func rows(startingWith prefix: String) throws -> [String] {
            try String.fetchAll(range, arguments: [prefix + " ", prefix + "!"])
        }
        let state = try Row.fetchOne(db, sql: "SELECT version, updated_at_ms FROM price_state WHERE id = 1")
        let key = PriceListCache.Key(version: state?["version"] ?? 0, appliedAtMillis: state?["updated_at_ms"])
        let shared = try cache.shared(key) {
            decode(try rows(startingWith: "promotion") + String.fetchAll(exact, arguments: ["region \(store)"]))
        }
        var bodies: [String] = []
        for sku in Set(skus) {
            for kind in ["base", "override", "member"] { bodies += try rows(startingWith: "\(kind) \(sku)") }
            bodies += try String.fetchAll(exact, arguments: ["category \(sku)"])
        }
        let own = decode(bodies)
        return (PriceList(entries: own.entries + shared.entries), own.unreadable + shared.unreadable)
    }

    /// The rows `bodies` hold; one this agent cannot read (written by a newer
    /// hub) is left out and counted.
    private static func decode(_ bodies: [String]) -> (entries: [PriceListEntry], unreadable: Int) {
        var entries: [PriceListEntry] = []
        entries.reserveCapacity(bodies.count)
        var unreadable = 0
        let decoder = WireCoding.decoder()
        for body in bodies {
            if let entry = try? decoder.decode(PriceListEntry.self, from: Data(body.utf8)) {
                entries.append(entry)
            } else {
                unreadable += 1
            }
        }
        return (entries, unreadable)
    }
}
