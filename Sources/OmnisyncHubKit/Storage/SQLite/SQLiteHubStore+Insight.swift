public import Foundation
import GRDB
public import OmnisyncCore

/// Predictive insight on SQLite (see ``InsightStore``).
extension SQLiteHubStore {
    public func customerFacts(after order: Int64?, currency known: Currency?) async throws(HubError) -> CustomerFactsTable {
        try await read { db in
            let watermark = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM orders") ?? 0
            let currency = try known?.rawValue ?? String.fetchOne(
                db, sql: "SELECT currency FROM orders WHERE kind = 'sale' GROUP BY currency ORDER BY COUNT(*) DESC, currency LIMIT 1"
            ) ?? "EUR"
            var reader = CustomerFactsReader(mainCurrency: currency)
            let filter = order == nil ? "" : "AND o.customer IN (SELECT customer FROM orders WHERE id > ? AND id <= ? AND customer IS NOT NULL)"
            let arguments: StatementArguments = order.map { [$0, watermark] } ?? []
            let rows = try Row.fetchCursor(db, sql: CustomerFactsReader.query(filter: filter), arguments: arguments)
            while let row = try rows.next() {
                try reader.add(
                    order: row[0], customer: row[1], atMillis: row[2], channel: row[3], store: row[4], total: row[5], currency: row[6], sku: row[7],
                    quantity: row[8], category: row[9]
                )
            }
            return reader.table(watermark: watermark)
        }
    }

    public func insightState() async throws(HubError) -> InsightState? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT body, watermark FROM insight_models WHERE id = 1") else { return nil }
            return InsightState(models: try InsightModelsColumn.decode(row["body"]), watermark: row["watermark"])
        }
    }

    public func insightMark() async throws(HubError) -> (fittedAt: Date, watermark: Int64)? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT fitted_at_ms, watermark FROM insight_models WHERE id = 1"),
                let fittedAt = Date(millis: row["fitted_at_ms"] as Int64)
            else { return nil }
            return (fittedAt, row["watermark"])
        }
    }

    public func saveInsightModels(_ models: InsightModels, watermark: Int64) async throws(HubError) {
        let body = try InsightModelsColumn.encode(models)
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO insight_models (id, body, fitted_at_ms, watermark) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET body = excluded.body, fitted_at_ms = excluded.fitted_at_ms, watermark = excluded.watermark
                    """,
                arguments: [body, models.fittedAt.millis, watermark]
            )
        }
    }

    public func advanceInsightWatermark(to watermark: Int64) async throws(HubError) {
        try await write { db in
            try db.execute(sql: "UPDATE insight_models SET watermark = MAX(watermark, ?) WHERE id = 1", arguments: [watermark])
        }
    }

    public func writeInsights(_ insights: [(CustomerID, CustomerInsight)], at now: Date) async throws(HubError) -> Int {
        var changed = 0
        var start = insights.startIndex
        while start < insights.endIndex {
            let chunk = Array(insights[start..<min(start + Self.recomputeChunk, insights.endIndex)])
            start += chunk.count
            changed += try await write { db in
                var clock = try Self.hubClock(db)
                var changed = 0
                let columns = try db.cachedStatement(sql: "UPDATE customers SET p_alive = ?, cluster = ? WHERE id = ?")
                for (id, insight) in chunk {
                    guard var record = try CustomerRows.load(db, id: id), !record.state.isErased else { continue }
                    try columns.execute(arguments: [insight.pAlive, insight.cluster, id.rawValue])
                    if let stored = record.state.insight?.value, stored.saysTheSame(as: insight) { continue }
                    let before = record
                    record.state.writeInsight(insight, at: clock.tick(wallMillis: now.millis))
                    try CustomerRows.save(db, record, before: before, changeSeq: try CustomerRows.nextChangeSeq(db))
                    changed += 1
                }
                try Self.saveHubClock(db, clock)
                return changed
            }
        }
        return changed
    }

    public func replaceStockLists(_ lists: [StoreID: Set<String>]) async throws(HubError) {
        try await write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO store_stock (store, sku) VALUES (?, ?)")
            for (store, skus) in lists {
                try db.execute(sql: "DELETE FROM store_stock WHERE store = ?", arguments: [store.rawValue])
                for sku in skus { try insert.execute(arguments: [store.rawValue, sku]) }
            }
        }
    }

    public func stockLists() async throws(HubError) -> [StoreID: Set<String>] {
        try await read { db in
            var lists: [StoreID: Set<String>] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT store, sku FROM store_stock")
            while let row = try rows.next() {
                lists[try StoreID(validating: row["store"]), default: []].insert(row["sku"])
            }
            return lists
        }
    }

    public func clusterCounts() async throws(HubError) -> [Int: Int] {
        try await read { db in
            var counts: [Int: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT cluster, COUNT(*) AS n FROM customers WHERE cluster IS NOT NULL GROUP BY cluster") {
                counts[row["cluster"]] = row["n"]
            }
            return counts
        }
    }
}
