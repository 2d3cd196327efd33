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
                    INSERT INTO price_entries (key, body, version, removed, stores)
                    SELECT key, body, \(version), false, NULLIF(stores, '')
                    FROM unnest(\(plan.upserts.map(\.key))::text[], \(plan.upserts.map(\.body))::text[], \(plan.upserts.map { $0.stores ?? "" })::text[])
                        AS p(key, body, stores)
                    ON CONFLICT (key) DO UPDATE SET body = excluded.body, version = excluded.version, removed = false, stores = excluded.stores
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

    public func priceChanges(since: Int64, for store: StoreID) async throws(HubError) -> EncodedPriceDelta {
        try await read { connection in
            var current: Int64 = 0
            for try await version in try await connection.query(
                "SELECT COALESCE(MAX(version), 0)::BIGINT FROM price_versions", logger: logger
            ).decode(Int64.self) {
                current = version
            }
            var builder = EncodedPriceDelta.Builder(since: since, current: current, store: store)
            guard since != current else { return try builder.finish() }
            // Rows are read after the version: an import committed in between only
            // sends its rows early, and again next time (applying a row twice is harmless).
            // A whole list is filtered by store in SQL; a delta's rows leaving the store become keys to drop.
            let needle = PriceListEntry.storesColumnNeedle(store)
            let rows = builder.full
                ? try await connection.query(
                    "SELECT key, body, stores, removed FROM price_entries WHERE NOT removed AND (stores IS NULL OR strpos(stores, \(needle)) > 0)",
                    logger: logger
                )
                : try await connection.query("SELECT key, body, stores, removed FROM price_entries WHERE version > \(since)", logger: logger)
            for try await (key, body, stores, removed) in rows.decode((String, String, String?, Bool).self) {
                builder.add(key: key, body: body.utf8, stores: stores, removed: removed)
            }
            return try builder.finish()
        }
    }

    public func recordPriceListVersion(_ version: Int64, of terminal: TerminalID, at time: Date) async throws(HubError) {
        try await transaction { connection in
            try await connection.query(
                """
                UPDATE terminals SET price_list_version = \(version), price_list_since_ms = \(time.millis)
                WHERE id = \(terminal.rawValue) AND price_list_version IS DISTINCT FROM \(version)
                """,
                logger: logger
            )
        }
    }

    public func priceOverrides(_ query: PriceOverrideQuery) async throws(HubError) -> PriceOverrideReport {
        try await snapshot { connection in
            func currency(_ text: String) throws -> Currency {
                guard let currency = Currency(rawValue: text) else { throw HubError(.storage, "price_overrides holds an unreadable currency \(text)") }
                return currency
            }
            // A NULL filter matches every row: one statement whatever the query names.
            let store = query.store?.rawValue
            let cashier = query.cashier
            let since = query.since?.millis ?? Int64.min
            var groups: [PriceOverrideReport.Group] = []
            for try await (storeID, cashierID, code, lines, sales, difference) in try await connection.query(
                """
                SELECT store, cashier, currency, COUNT(*), COUNT(DISTINCT (terminal, seq)), SUM((charged - quoted) * quantity)::BIGINT
                FROM price_overrides
                WHERE (\(store)::text IS NULL OR store = \(store)) AND (\(cashier)::text IS NULL OR cashier = \(cashier)) AND at_ms >= \(since)
                GROUP BY store, cashier, currency ORDER BY store, cashier NULLS FIRST, currency
                """,
                logger: logger
            ).decode((String, String?, String, Int64, Int64, Int64).self) {
                groups.append(PriceOverrideReport.Group(
                    store: try StoreID(validating: storeID), cashier: cashierID, lines: Int(lines), sales: Int(sales),
                    difference: Money(amount: difference, currency: try currency(code))
                ))
            }
            var rows: [PriceOverrideRecord] = []
            for try await (storeID, terminal, seq, line, cashierID, at, sku, quantity, code, quoted, charged, rule, version) in try await connection.query(
                """
                SELECT store, terminal, seq, line, cashier, at_ms, sku, quantity, currency, quoted, charged, rule, price_list_version
                FROM price_overrides
                WHERE (\(store)::text IS NULL OR store = \(store)) AND (\(cashier)::text IS NULL OR cashier = \(cashier)) AND at_ms >= \(since)
                ORDER BY at_ms DESC, terminal, seq DESC, line LIMIT \(Int64(query.limit))
                """,
                logger: logger
            ).decode((String, String, Int64, Int64, String?, Int64, String, Int64, String, Int64, Int64, String, Int64).self) {
                let money = try currency(code)
                rows.append(PriceOverrideRecord(
                    store: try StoreID(validating: storeID), terminal: try TerminalID(validating: terminal), seq: seq, line: Int(line),
                    cashier: cashierID, at: Date(millis: at) ?? .distantPast, sku: sku, quantity: quantity,
                    quoted: Money(amount: quoted, currency: money), charged: Money(amount: charged, currency: money), rule: rule,
                    priceListVersion: version
                ))
            }
            return PriceOverrideReport(byStoreAndCashier: groups, overrides: rows)
        }
    }
}
