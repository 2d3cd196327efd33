import Foundation
public import OmnisyncCore
import PostgresNIO

/// Feedback on PostgreSQL (see ``FeedbackStore``).
extension PostgresHubStore: FeedbackStore {
    public func satisfaction(by grouping: SatisfactionGrouping) async throws(HubError) -> [SatisfactionGroup] {
        try await read { connection in
            let key = switch grouping {
            case .all: "'all'"
            case .store: "f.store"
            case .segment: "COALESCE(c.segment, 'none')"
            case .month: "to_char(to_timestamp(f.at_ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM')"
            }
            var answers: [(String, Int)] = []
            for try await (group, score) in try await connection.query(
                """
                SELECT \(unescaped: key), f.score FROM feedback f
                LEFT JOIN customer_aliases a ON a.alias = f.customer LEFT JOIN customers c ON c.id = COALESCE(a.target, f.customer)
                """,
                logger: logger
            ).decode((String, Int64).self) {
                answers.append((group, Int(score)))
            }
            return SatisfactionGroup.make(answers)
        }
    }

    public func feedback(limit: Int) async throws(HubError) -> [FeedbackRecord] {
        try await read { connection in
            var records: [FeedbackRecord] = []
            for try await (terminal, seq, store, customer, at, score, comment, receipt) in try await connection.query(
                """
                SELECT terminal, seq, store, customer, at_ms, score, comment, receipt FROM feedback
                ORDER BY at_ms DESC, terminal, seq DESC LIMIT \(Int64(limit))
                """,
                logger: logger
            ).decode((String, Int64, String, String?, Int64, Int64, String?, String?).self) {
                records.append(FeedbackRecord(
                    terminal: try TerminalID(validating: terminal), seq: seq, store: try StoreID(validating: store),
                    customer: try customer.map { try CustomerID(validating: $0) }, at: Date(millis: at) ?? .distantPast, score: Int(score),
                    comment: comment, receipt: receipt
                ))
            }
            return records
        }
    }
}
