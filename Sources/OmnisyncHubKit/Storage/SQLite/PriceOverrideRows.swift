import Foundation
import GRDB
import OmnisyncCore
import OmnisyncStorage

/// A sale's price overrides as `price_overrides` rows, written with its
/// order facts when the entry is applied, in its transaction.
enum PriceOverrideRows {
    static func insert(_ db: Database, entry: JournalEntry, sale: SaleEvent, store: StoreID) throws {
        guard !sale.priceOverrides.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO price_overrides (terminal, seq, line, store, cashier, at_ms, sku, quantity, currency, quoted, charged, rule, price_list_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for override in sale.priceOverrides {
            // The sale's decoder checked the line exists and matches.
            let quantity = sale.lines[override.line - 1].quantity
            try statement.execute(arguments: [
                entry.terminal.rawValue, entry.seq, override.line, store.rawValue, sale.cashier, entry.recordedAt.millis, override.sku, quantity,
                override.charged.currency.rawValue, override.quoted.amount, override.charged.amount, override.rule, override.version,
            ])
        }
    }

    private static func currency(_ row: Row) throws -> Currency {
        let text: String = row["currency"]
        guard let currency = Currency(rawValue: text) else { throw HubError(.storage, "price_overrides holds an unreadable currency \(text)") }
        return currency
    }

    /// The rows and totals `query` asks for.
    static func report(_ db: Database, _ query: PriceOverrideQuery) throws -> PriceOverrideReport {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let store = query.store {
            conditions.append("store = ?")
            arguments += [store.rawValue]
        }
        if let cashier = query.cashier {
            conditions.append("cashier = ?")
            arguments += [cashier]
        }
        if let since = query.since {
            conditions.append("at_ms >= ?")
            arguments += [since.millis]
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let groups = try Row.fetchAll(
            db,
            sql: """
                SELECT store, cashier, currency, COUNT(*) AS lines, COUNT(DISTINCT terminal || ' ' || seq) AS sales,
                    SUM((charged - quoted) * quantity) AS difference
                FROM price_overrides\(filter) GROUP BY store, cashier, currency ORDER BY store, cashier, currency
                """,
            arguments: arguments
        ).map { row in
            PriceOverrideReport.Group(
                store: try StoreID(validating: row["store"] as String), cashier: row["cashier"], lines: row["lines"], sales: row["sales"],
                difference: Money(amount: row["difference"], currency: try currency(row))
            )
        }
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT * FROM price_overrides\(filter) ORDER BY at_ms DESC, terminal, seq DESC, line LIMIT ?",
            arguments: arguments + [query.limit]
        ).map { row in
            let currency = try currency(row)
            return PriceOverrideRecord(
                store: try StoreID(validating: row["store"] as String), terminal: try TerminalID(validating: row["terminal"] as String),
                seq: row["seq"], line: row["line"], cashier: row["cashier"], at: Date(millis: row["at_ms"] as Int64) ?? .distantPast,
                sku: row["sku"], quantity: row["quantity"], quoted: Money(amount: row["quoted"], currency: currency),
                charged: Money(amount: row["charged"], currency: currency), rule: row["rule"], priceListVersion: row["price_list_version"]
            )
        }
        return PriceOverrideReport(byStoreAndCashier: groups, overrides: rows)
    }
}
