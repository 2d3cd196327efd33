import Foundation
import GRDB
public import OmnisyncCore

/// Feedback on SQLite (see ``FeedbackStore``).
extension SQLiteHubStore {
    public func satisfaction(by grouping: SatisfactionGrouping) async throws(HubError) -> [SatisfactionGroup] {
        try await read { db in
            let key = switch grouping {
            case .all: "'all'"
            case .store: "f.store"
            case .segment: "COALESCE(c.segment, 'none')"
            case .month: "strftime('%Y-%m', f.at_ms / 1000, 'unixepoch')"
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(key) AS grp, f.score FROM feedback f
                    LEFT JOIN customer_aliases a ON a.alias = f.customer LEFT JOIN customers c ON c.id = COALESCE(a.target, f.customer)
                    """
            )
            return SatisfactionGroup.make(rows.map { ($0["grp"] as String, $0["score"] as Int) })
        }
    }

    public func feedback(limit: Int) async throws(HubError) -> [FeedbackRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feedback ORDER BY at_ms DESC, terminal, seq DESC LIMIT ?", arguments: [limit]).map { row in
                FeedbackRecord(
                    terminal: try TerminalID(validating: row["terminal"]), seq: row["seq"], store: try StoreID(validating: row["store"]),
                    customer: try (row["customer"] as String?).map { try CustomerID(validating: $0) }, at: Date(millis: row["at_ms"] as Int64) ?? .distantPast,
                    score: row["score"], comment: row["comment"], receipt: row["receipt"]
                )
            }
        }
    }
}
