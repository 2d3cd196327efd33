public import Foundation
import Logging
public import OmnisyncCore
import PostgresNIO

/// Predictive insight on PostgreSQL (see ``InsightStore``; the facts are
/// folded by the same ``CustomerFactsReader`` as on SQLite).
extension PostgresHubStore {
    public func customerFacts(after order: Int64?, currency known: Currency?) async throws(HubError) -> CustomerFactsTable {
        try await snapshot { connection in
            let watermark = try await connection.query("SELECT COALESCE(MAX(id), 0) FROM orders", logger: logger).collect()[0].decode(Int64.self)
            var currency = known?.rawValue ?? "EUR"
            if known == nil {
                for try await code in try await connection.query(
                    "SELECT currency FROM orders WHERE kind = 'sale' GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1", logger: logger
                ).decode(String.self) {
                    currency = code
                }
            }
            var reader = CustomerFactsReader(mainCurrency: currency)
            var query = PostgresQuery(unsafeSQL: CustomerFactsReader.query(filter: ""))
            if let order {
                query = PostgresQuery(
                    unsafeSQL: CustomerFactsReader.query(filter: "AND o.customer IN (SELECT customer FROM orders WHERE id > $1 AND id <= $2 AND customer IS NOT NULL)"),
                    binds: try Self.binds(order, watermark)
                )
            }
            for try await (id, customer, at, channel, store, total, code, sku, quantity, category) in try await connection.query(query, logger: logger)
                .decode((Int64, String, Int64, String, String?, Int64, String, String, Int64, String?).self)
            {
                try reader.add(
                    order: id, customer: customer, atMillis: at, channel: channel, store: store, total: total, currency: code, sku: sku, quantity: quantity,
                    category: category
                )
            }
            return reader.table(watermark: watermark)
        }
    }

    private static func binds(_ values: Int64...) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }

    public func insightState() async throws(HubError) -> InsightState? {
        let row: (String, Int64)? = try await read { connection in
            var found: (String, Int64)?
            for try await (body, watermark) in try await connection.query("SELECT body, watermark FROM insight_models WHERE id = 1", logger: logger)
                .decode((String, Int64).self)
            {
                found = (body, watermark)
            }
            return found
        }
        guard let row else { return nil }
        return InsightState(models: try InsightModelsColumn.decode(row.0), watermark: row.1)
    }

    public func insightMark() async throws(HubError) -> (fittedAt: Date, watermark: Int64)? {
        try await read { connection in
            var mark: (fittedAt: Date, watermark: Int64)?
            for try await (fitted, watermark) in try await connection.query(
                "SELECT fitted_at_ms, watermark FROM insight_models WHERE id = 1", logger: logger
            ).decode((Int64, Int64).self) {
                if let fittedAt = Date(millis: fitted) { mark = (fittedAt, watermark) }
            }
            return mark
        }
    }

    public func saveInsightModels(_ models: InsightModels, watermark: Int64) async throws(HubError) {
        let body = try InsightModelsColumn.encode(models)
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO insight_models (id, body, fitted_at_ms, watermark) VALUES (1, \(body), \(models.fittedAt.millis), \(watermark))
                ON CONFLICT (id) DO UPDATE SET body = excluded.body, fitted_at_ms = excluded.fitted_at_ms, watermark = excluded.watermark
                """,
                logger: logger
            )
        }
    }

    public func advanceInsightWatermark(to watermark: Int64) async throws(HubError) {
        try await transaction { connection in
            try await connection.query("UPDATE insight_models SET watermark = GREATEST(watermark, \(watermark)) WHERE id = 1", logger: logger)
        }
    }

    public func writeInsights(_ insights: [(CustomerID, CustomerInsight)], at now: Date) async throws(HubError) -> Int {
        var changed = 0
        var start = insights.startIndex
        while start < insights.endIndex {
            let chunk = Array(insights[start..<min(start + SQLiteHubStore.recomputeChunk, insights.endIndex)])
            start += chunk.count
            changed += try await transaction { connection in
                let records = try await PostgresCustomerRows.loadMany(connection, ids: Set(chunk.map(\.0)), lock: true, logger: logger)
                // Arrays cannot carry NULLs here: NaN and -1 stand for "none".
                let ids = chunk.map(\.0.rawValue)
                let alive = chunk.map { $0.1.pAlive ?? .nan }
                let clusters = chunk.map { Int64($0.1.cluster ?? -1) }
                try await connection.query(
                    """
                    UPDATE customers SET p_alive = NULLIF(c.p_alive, 'NaN'), cluster = NULLIF(c.cluster, -1)
                    FROM unnest(\(ids)::text[], \(alive)::double precision[], \(clusters)::bigint[]) AS c(id, p_alive, cluster)
                    WHERE customers.id = c.id
                    """,
                    logger: logger
                )
                var clock = try await Self.hubClock(connection, logger: logger)
                var stamped: Set<CustomerID> = []
                for (id, insight) in chunk {
                    guard var record = records[id], !record.state.isErased else { continue }
                    if let stored = record.state.insight?.value, stored.saysTheSame(as: insight) { continue }
                    let before = record
                    record.state.writeInsight(insight, at: clock.tick(wallMillis: now.millis))
                    try await PostgresCustomerRows.save(connection, record, before: before, stateChanged: true, logger: logger)
                    stamped.insert(id)
                }
                try await Self.saveHubClock(connection, clock, logger: logger)
                try await PostgresCustomerRows.stamp(connection, stamped, logger: logger)
                return stamped.count
            }
        }
        return changed
    }

    public func replaceStockLists(_ lists: [StoreID: Set<String>]) async throws(HubError) {
        try await transaction { connection in
            for (store, skus) in lists {
                try await connection.query("DELETE FROM store_stock WHERE store = \(store.rawValue)", logger: logger)
                try await connection.query(
                    "INSERT INTO store_stock (store, sku) SELECT \(store.rawValue), s FROM unnest(\(Array(skus))::text[]) AS s", logger: logger
                )
            }
        }
    }

    public func stockLists() async throws(HubError) -> [StoreID: Set<String>] {
        let rows: [(String, String)] = try await read { connection in
            var rows: [(String, String)] = []
            for try await row in try await connection.query("SELECT store, sku FROM store_stock", logger: logger).decode((String, String).self) {
                rows.append(row)
            }
            return rows
        }
        var lists: [StoreID: Set<String>] = [:]
        for (store, sku) in rows {
            guard let id = StoreID(rawValue: store) else { throw HubError(.storage, "a stock list names store '\(store.prefix(40))'; the hub's database is damaged") }
            lists[id, default: []].insert(sku)
        }
        return lists
    }

    public func clusterCounts() async throws(HubError) -> [Int: Int] {
        try await read { connection in
            var counts: [Int: Int] = [:]
            for try await (cluster, count) in try await connection.query(
                "SELECT cluster, COUNT(*) FROM customers WHERE cluster IS NOT NULL GROUP BY cluster", logger: logger
            ).decode((Int64, Int64).self) {
                counts[Int(cluster)] = Int(count)
            }
            return counts
        }
    }
}
