public import Foundation
import GRDB
public import OmnisyncCore

/// The product catalogue, and the category reading of a customer's purchases.
extension SQLiteHubStore {
    public func importProducts(_ products: [Product]) async throws(HubError) -> CatalogImportReport {
        try await write { db in
            let now = Date().millis
            var report = CatalogImportReport(products: products.count, added: 0, changed: 0, unchanged: 0)
            // SKUs whose meaning changed: the customers who bought them get their interests worked out again.
            var regrouped: [String] = []
            let existing = try db.cachedStatement(sql: "SELECT name, category FROM products WHERE sku = ?")
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO products (sku, name, category, updated_at_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category, updated_at_ms = excluded.updated_at_ms
                """)
            for product in products {
                let row = try Row.fetchOne(existing, arguments: [product.sku])
                switch row {
                case nil:
                    report.added += 1
                    regrouped.append(product.sku)
                case let row? where row["name"] == product.name && row["category"] == product.category:
                    report.unchanged += 1
                    continue
                case let row?:
                    report.changed += 1
                    if row["category"] != product.category { regrouped.append(product.sku) }
                }
                try upsert.execute(arguments: [product.sku, product.name, product.category, now])
            }
            try Self.forgetInterests(db, ofBuyersOf: regrouped)
            return report
        }
    }

    /// Marks the interests of everyone who bought one of `skus` as to be worked out again.
    private static func forgetInterests(_ db: Database, ofBuyersOf skus: [String]) throws {
        guard !skus.isEmpty else { return }
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS regrouped_skus (sku TEXT PRIMARY KEY) WITHOUT ROWID")
        try db.execute(sql: "DELETE FROM regrouped_skus")
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO regrouped_skus (sku) VALUES (?)")
        for sku in skus { try insert.execute(arguments: [sku]) }
        // One pass over the lines (no index by SKU: the push path would pay for it on every sale).
        try db.execute(sql: """
            UPDATE customers SET interests = NULL WHERE interests IS NOT NULL AND id IN (
                SELECT o.customer FROM order_lines l JOIN orders o ON o.id = l.order_id
                WHERE l.sku IN (SELECT sku FROM regrouped_skus) AND o.customer IS NOT NULL)
            """)
        try db.execute(sql: "DELETE FROM regrouped_skus")
    }

    public func products(category: String?) async throws(HubError) -> [Product] {
        try await read { db in
            let rows: [Row]
            if let category {
                rows = try Row.fetchAll(db, sql: "SELECT sku, name, category FROM products WHERE category = ? ORDER BY sku", arguments: [category])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT sku, name, category FROM products ORDER BY sku")
            }
            return rows.map { Self.product($0) }
        }
    }

    public func topCategories(of customer: CustomerID, limit: Int) async throws(HubError) -> [CategoryCount] {
        try await read { db in
            try Self.categoryQuantities(db, customer: try Self.resolve(db, customer))
                .filter { $0.value > 0 }
                .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .prefix(limit)
                .map { CategoryCount(category: $0.key, quantity: $0.value) }
        }
    }

    /// A customer's net quantity per category, in every channel.
    static func categoryQuantities(_ db: Database, customer: CustomerID) throws -> [String: Int64] {
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT p.category, SUM(CASE o.kind WHEN 'sale' THEN l.quantity ELSE -l.quantity END) AS quantity
                FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.sku = l.sku
                WHERE o.customer = ? GROUP BY p.category
                """),
            arguments: [customer.rawValue]
        )
        var quantities: [String: Int64] = [:]
        while let row = try rows.next() { quantities[row["category"]] = row["quantity"] }
        return quantities
    }

    /// A row read back (it passed Product's checks when it was stored).
    private static func product(_ row: Row) -> Product {
        Product(stored: row["sku"], name: row["name"], category: row["category"])
    }
}
