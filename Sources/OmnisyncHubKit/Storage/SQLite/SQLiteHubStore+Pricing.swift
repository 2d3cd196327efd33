public import Foundation
import GRDB
public import OmnisyncCore

/// The price list on SQLite (see ``PricingStore``).
extension SQLiteHubStore {
    public func importPriceList(_ list: PriceList, at time: Date) async throws(HubError) -> PriceImportReport {
        try await write { db in
            var stored: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, body FROM price_entries WHERE removed = 0") {
                stored[row["key"]] = row["body"]
            }
            let current = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM price_versions") ?? 0
            var plan = try PriceImportPlan(stored: stored, new: list)
            guard !plan.isEmpty else {
                plan.report.version = current
                return plan.report
            }
            let version = current + 1
            try db.execute(sql: "INSERT INTO price_versions (version, imported_at_ms) VALUES (?, ?)", arguments: [version, time.millis])
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO price_entries (key, body, version, removed, stores) VALUES (?, ?, ?, 0, ?)
                ON CONFLICT (key) DO UPDATE SET body = excluded.body, version = excluded.version, removed = 0, stores = excluded.stores
                """)
            for (key, body, stores) in plan.upserts { try upsert.execute(arguments: [key, body, version, stores]) }
            let remove = try db.cachedStatement(sql: "UPDATE price_entries SET removed = 1, version = ? WHERE key = ?")
            for key in plan.removals { try remove.execute(arguments: [version, key]) }
            plan.report.version = version
            return plan.report
        }
    }

    public func priceList() async throws(HubError) -> StoredPriceList {
        try await read { db in
            let latest = try Row.fetchOne(db, sql: "SELECT version, imported_at_ms FROM price_versions ORDER BY version DESC LIMIT 1")
            var entries: [PriceListEntry] = []
            for row in try Row.fetchAll(db, sql: "SELECT key, body FROM price_entries WHERE removed = 0 ORDER BY key") {
                entries.append(try PriceImportPlan.entry(row["body"], key: row["key"]))
            }
            return StoredPriceList(
                version: latest?["version"] ?? 0,
                importedAt: (latest?["imported_at_ms"] as Int64?).flatMap(Date.init(millis:)),
                list: PriceList(entries: entries)
            )
        }
    }

    public func priceChanges(since: Int64, for store: StoreID) async throws(HubError) -> EncodedPriceDelta {
        try await read { db in
            let current = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM price_versions") ?? 0
            var builder = EncodedPriceDelta.Builder(since: since, current: current, store: store)
            guard since != current else { return try builder.finish() }
            // Rows are read after the version: an import committed in between only
            // sends its rows early, and again next time (applying a row twice is harmless).
            // A whole list is filtered by store in SQL; a delta's rows leaving the store become keys to drop.
            let rows = builder.full
                ? try Row.fetchCursor(
                    db, sql: "SELECT key, body, stores, removed FROM price_entries WHERE removed = 0 AND (stores IS NULL OR instr(stores, ?) > 0)",
                    arguments: [PriceListEntry.storesColumnNeedle(store)]
                )
                : try Row.fetchCursor(db, sql: "SELECT key, body, stores, removed FROM price_entries WHERE version > ?", arguments: [since])
            while let row = try rows.next() {
                // The body's bytes as SQLite holds them: no String made per row.
                let body: Data = row["body"]
                builder.add(key: row["key"], body: body, stores: row["stores"], removed: row["removed"])
            }
            return try builder.finish()
        }
    }

    public func recordPriceListVersion(_ version: Int64, of terminal: TerminalID, at time: Date) async throws(HubError) {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE terminals SET price_list_version = ?, price_list_since_ms = ?
                    WHERE id = ? AND price_list_version IS NOT ?
                    """,
                arguments: [version, time.millis, terminal.rawValue, version]
            )
        }
    }

    public func priceOverrides(_ query: PriceOverrideQuery) async throws(HubError) -> PriceOverrideReport {
        try await read { db in try PriceOverrideRows.report(db, query) }
    }
}
