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
                INSERT INTO price_entries (key, body, version, removed) VALUES (?, ?, ?, 0)
                ON CONFLICT (key) DO UPDATE SET body = excluded.body, version = excluded.version, removed = 0
                """)
            for (key, body) in plan.upserts { try upsert.execute(arguments: [key, body, version]) }
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

    public func priceChanges(since: Int64, for store: StoreID) async throws(HubError) -> PriceDelta {
        try await read { db in
            let current = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM price_versions") ?? 0
            guard since != current else { return PriceDelta(version: current, full: false, entries: [], removed: []) }
            // Rows are read after the version: an import committed in between only
            // sends its rows early, and again next time (applying a row twice is harmless).
            let full = since == 0 || since > current
            let rows = try Row.fetchAll(
                db,
                sql: full
                    ? "SELECT key, body, version, removed FROM price_entries WHERE removed = 0"
                    : "SELECT key, body, version, removed FROM price_entries WHERE version > ?",
                arguments: full ? [] : [since]
            )
            var stored: [PriceDelta.StoredRow] = []
            stored.reserveCapacity(rows.count)
            for row in rows {
                let key: String = row["key"]
                let removed: Bool = row["removed"]
                stored.append(PriceDelta.StoredRow(key: key, entry: removed ? nil : try PriceImportPlan.entry(row["body"], key: key), version: row["version"]))
            }
            return PriceDelta.make(since: since, current: current, rows: stored, for: store)
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
