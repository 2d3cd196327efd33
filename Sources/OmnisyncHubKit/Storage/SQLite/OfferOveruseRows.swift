import Foundation
import GRDB
import OmnisyncCore

/// Offer double uses in `offer_overuses` (see ``OfferOveruseRecord``).
enum OfferOveruseRows {
    static func insert(_ db: Database, _ record: OfferOveruseRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO offer_overuses (campaign, customer, terminal, store, seq, channel, order_id, outside_window, uses, allowed, detected_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.campaign.rawValue, record.customer.rawValue, record.terminal?.rawValue, record.store?.rawValue, record.seq, record.channel,
                record.orderID, record.outsideWindow, record.uses, record.allowed, record.detectedAt.millis,
            ]
        )
    }

    static func fetch(_ db: Database, includeApproved: Bool, id: Int64? = nil) throws -> [OfferOveruseRecord] {
        var sql = "SELECT * FROM offer_overuses"
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if !includeApproved { conditions.append("approved_at_ms IS NULL") }
        if let id {
            conditions.append("id = ?")
            arguments += [id]
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map { row in
            var record = OfferOveruseRecord(
                id: row["id"], campaign: try CampaignID(validating: row["campaign"]), customer: try CustomerID(validating: row["customer"]),
                source: try .init(terminal: row["terminal"], store: row["store"], seq: row["seq"], channel: row["channel"], orderID: row["order_id"]),
                uses: row["uses"],
                allowed: row["allowed"], detectedAt: Date(millis: row["detected_at_ms"] as Int64) ?? .distantPast,
                approvedAt: Date(millis: row["approved_at_ms"] as Int64?), note: row["note"]
            )
            record.outsideWindow = row["outside_window"]
            return record
        }
    }
}
