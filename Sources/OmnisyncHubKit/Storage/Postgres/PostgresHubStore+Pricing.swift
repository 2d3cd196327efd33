public import Foundation
public import OmnisyncCore
import PostgresNIO

/// The price list on PostgreSQL (see ``PricingStore``).
extension PostgresHubStore: PricingStore {
    public func importPriceList(_ list: PriceList, at time: Date) async throws(HubError) -> PriceImportReport {
        try await transaction { connection in
            // One import at a time across replicas: the version row is the lock.
            try await connection.query("LOCK TABLE price_versions IN EXCLUSIVE MODE", logger: logger)
            var stored: [String: String] = [:]
            for try await (key, body) in try await connection.query(
                "SELECT key, body FROM price_entries WHERE NOT removed", logger: logger
            ).decode((String, String).self) {
                stored[key] = body
            }
            var current: Int64 = 0
            for try await version in try await connection.query(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM price_versions", logger: logger
            ).decode(Int64.self) {
                current = version
            }
            var plan = try PriceImportPlan(stored: stored, new: list)
            guard !plan.isEmpty else {
                plan.report.version = current
                return plan.report
            }
            let version = current + 1
            try await connection.query("INSERT INTO price_versions (version, imported_at_ms) VALUES (\(version), \(time.millis))", logger: logger)
            if !plan.upserts.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO price_entries (key, body, version, removed)
                    SELECT key, body, \(version), false FROM unnest(\(plan.upserts.map(\.key))::text[], \(plan.upserts.map(\.body))::text[]) AS p(key, body)
                    ON CONFLICT (key) DO UPDATE SET body = excluded.body, version = excluded.version, removed = false
                    """,
                    logger: logger
                )
            }
            if !plan.removals.isEmpty {
                try await connection.query(
                    "UPDATE price_entries SET removed = true, version = \(version) WHERE key = ANY(\(plan.removals))", logger: logger
                )
            }
            plan.report.version = version
            return plan.report
        }
    }

    public func priceList() async throws(HubError) -> StoredPriceList {
        try await read { connection in
            var version: Int64 = 0
            var importedAt: Date?
            for try await (latest, millis) in try await connection.query(
                "SELECT version, imported_at_ms FROM price_versions ORDER BY version DESC LIMIT 1", logger: logger
            ).decode((Int64, Int64).self) {
                version = latest
                importedAt = Date(millis: millis)
            }
            var entries: [PriceListEntry] = []
            for try await (key, body) in try await connection.query(
                "SELECT key, body FROM price_entries WHERE NOT removed ORDER BY key", logger: logger
            ).decode((String, String).self) {
                entries.append(try PriceImportPlan.entry(body, key: key))
            }
            return StoredPriceList(version: version, importedAt: importedAt, list: PriceList(entries: entries))
        }
    }

    public func priceChanges(since: Int64, for store: StoreID) async throws(HubError) -> PriceDelta {
        try await read { connection in
            var current: Int64 = 0
            for try await version in try await connection.query(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM price_versions", logger: logger
            ).decode(Int64.self) {
                current = version
            }
            guard since != current else { return PriceDelta(version: current, full: false, entries: [], removed: []) }
            // Rows are read after the version: an import committed in between only
            // sends its rows early, and again next time (applying a row twice is harmless).
            let full = since == 0 || since > current
            let rows = full
                ? try await connection.query("SELECT key, body, version, removed FROM price_entries WHERE NOT removed", logger: logger)
                : try await connection.query("SELECT key, body, version, removed FROM price_entries WHERE version > \(since)", logger: logger)
            var stored: [PriceDelta.StoredRow] = []
            for try await (key, body, version, removed) in rows.decode((String, String, Int64, Bool).self) {
                stored.append(PriceDelta.StoredRow(key: key, entry: removed ? nil : try PriceImportPlan.entry(body, key: key), version: version))
            }
            return PriceDelta.make(since: since, current: current, rows: stored, for: store)
        }
    }
}
