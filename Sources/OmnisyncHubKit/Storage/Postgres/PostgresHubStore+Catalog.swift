public import Foundation
public import OmnisyncCore
import PostgresNIO

/// The product catalogue on PostgreSQL (see ``CatalogStore``).
extension PostgresHubStore: CatalogStore {
    public func importProducts(_ products: [Product]) async throws(HubError) -> CatalogImportReport {
        try await transaction { connection in
            let now = Date().millis
            var existing: [String: (name: String, category: String)] = [:]
            for try await (sku, name, category) in try await connection.query(
                "SELECT sku, name, category FROM products WHERE sku = ANY(\(products.map(\.sku))) FOR UPDATE", logger: logger
            ).decode((String, String, String).self) {
                existing[sku] = (name, category)
            }
            var report = CatalogImportReport(products: products.count, added: 0, changed: 0, unchanged: 0)
            var written: [Product] = []
            var regrouped: [String] = []
            for product in products {
                guard let current = existing[product.sku] else {
                    report.added += 1
                    written.append(product)
                    regrouped.append(product.sku)
                    continue
                }
                if current.name == product.name && current.category == product.category {
                    report.unchanged += 1
                    continue
                }
                report.changed += 1
                written.append(product)
                if current.category != product.category { regrouped.append(product.sku) }
            }
            if !written.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO products (sku, name, category, updated_at_ms)
                    SELECT sku, name, category, \(now) FROM unnest(\(written.map(\.sku))::text[], \(written.map(\.name))::text[], \(written.map(\.category))::text[])
                        AS p(sku, name, category)
                    ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category, updated_at_ms = excluded.updated_at_ms
                    """,
                    logger: logger
                )
            }
            if !regrouped.isEmpty {
                // Their buyers' interests are worked out again at the next recompute.
                try await connection.query(
                    """
                    UPDATE customers SET interests = NULL WHERE interests IS NOT NULL AND id IN (
                        SELECT o.customer FROM order_lines l JOIN orders o ON o.id = l.order_id
                        WHERE l.sku = ANY(\(regrouped)) AND o.customer IS NOT NULL)
                    """,
                    logger: logger
                )
            }
            return report
        }
    }

    public func products(category: String?) async throws(HubError) -> [Product] {
        try await read { connection in
            let rows: PostgresRowSequence
            if let category {
                rows = try await connection.query("SELECT sku, name, category FROM products WHERE category = \(category) ORDER BY sku", logger: logger)
            } else {
                rows = try await connection.query("SELECT sku, name, category FROM products ORDER BY sku", logger: logger)
            }
            var products: [Product] = []
            for try await (sku, name, category) in rows.decode((String, String, String).self) {
                products.append(Product(stored: sku, name: name, category: category))
            }
            return products
        }
    }

    public func topCategories(of customer: CustomerID, limit: Int) async throws(HubError) -> [CategoryCount] {
        try await read { connection in
            let id = try await PostgresCustomerRows.resolve(connection, customer, logger: logger)
            return try await Self.categoryQuantities(connection, customers: [id], logger: logger)[id, default: [:]]
                .filter { $0.value > 0 }
                .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .prefix(limit)
                .map { CategoryCount(category: $0.key, quantity: $0.value) }
        }
    }

    /// Each customer's net quantity per category, in every channel; every
    /// customer's with `customers` nil.
    static func categoryQuantities(_ connection: PostgresConnection, customers: [CustomerID]?, logger: Logger) async throws -> [CustomerID: [String: Int64]] {
        let rows: PostgresRowSequence
        let select = """
            SELECT o.customer, p.category, SUM(CASE o.kind WHEN 'sale' THEN l.quantity ELSE -l.quantity END)::bigint
            FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.sku = l.sku
            """
        if let customers {
            rows = try await connection.query(
                "\(unescaped: select) WHERE o.customer = ANY(\(customers.map(\.rawValue))) GROUP BY o.customer, p.category", logger: logger
            )
        } else {
            rows = try await connection.query("\(unescaped: select) WHERE o.customer IS NOT NULL GROUP BY o.customer, p.category", logger: logger)
        }
        var quantities: [CustomerID: [String: Int64]] = [:]
        for try await (customer, category, quantity) in rows.decode((String, String, Int64).self) {
            guard let id = CustomerID(rawValue: customer) else { continue }
            quantities[id, default: [:]][category] = quantity
        }
        return quantities
    }
}
