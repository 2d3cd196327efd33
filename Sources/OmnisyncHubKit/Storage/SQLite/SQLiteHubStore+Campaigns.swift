public import Foundation
import GRDB
public import OmnisyncCore

/// Campaigns on SQLite (see ``CampaignStore``).
extension SQLiteHubStore {
    public func createCampaign(_ definition: CampaignDefinition, at time: Date) async throws(HubError) -> CampaignSummary {
        let campaign = Campaign(id: CampaignMembership.mintID(at: time), definition: definition, createdAt: time)
        let body = try CampaignMembership.stored(definition)
        try await write { db in
            try db.execute(
                sql: "INSERT INTO campaigns (id, definition, created_at_ms) VALUES (?, ?, ?)",
                arguments: [campaign.id.rawValue, body, time.millis]
            )
        }
        _ = try await assignCampaignMembers(at: time)
        guard let summary = try await self.campaign(campaign.id) else { throw HubError(.storage, "campaign \(campaign.id) vanished as it was created") }
        return summary
    }

    public func campaigns() async throws(HubError) -> [CampaignSummary] {
        try await read { db in
            try Self.loadCampaigns(db, where: "", arguments: []).map { try Self.summary(db, $0.campaign, at: Date()) }
        }
    }

    public func campaign(_ id: CampaignID) async throws(HubError) -> CampaignSummary? {
        try await read { db in
            try Self.loadCampaigns(db, where: "WHERE id = ?", arguments: [id.rawValue]).first.map { try Self.summary(db, $0.campaign, at: Date()) }
        }
    }

    public func stopCampaign(_ id: CampaignID, at time: Date) async throws(HubError) -> CampaignSummary {
        try await write { db in
            guard var campaign = try Self.loadCampaigns(db, where: "WHERE id = ?", arguments: [id.rawValue]).first?.campaign else {
                throw HubError(.notFound, "no campaign \(id) (see `omnisync-hub campaigns list`)")
            }
            guard campaign.stoppedAt == nil else { return try Self.summary(db, campaign, at: time) }
            campaign.stoppedAt = time
            try db.execute(sql: "UPDATE campaigns SET stopped_at_ms = ? WHERE id = ?", arguments: [time.millis, id.rawValue])
            // The treated members' offers end now: their profiles say so, and the tills pull that.
            let treated = try String.fetchAll(db, sql: "SELECT customer FROM campaign_members WHERE campaign = ? AND holdout = 0", arguments: [id.rawValue])
            var clock = try Self.hubClock(db)
            for customer in treated {
                guard var record = try CustomerRows.load(db, id: try Self.resolve(db, try CustomerID(validating: customer))) else { continue }
                let loaded = record
                guard CampaignMembership.grant(campaign, into: &record.state, stamp: { clock.tick(wallMillis: time.millis) }) else { continue }
                try CustomerRows.save(db, record, before: loaded, changeSeq: try CustomerRows.nextChangeSeq(db))
            }
            try Self.saveHubClock(db, clock)
            return try Self.summary(db, campaign, at: time)
        }
    }

    public func assignCampaignMembers(at time: Date, chunk: Int) async throws(HubError) -> Int {
        precondition(chunk > 0, "a membership chunk holds at least one customer")
        let (campaigns, through) = try await read { db in
            (
                try Self.loadCampaigns(db, where: "WHERE stopped_at_ms IS NULL", arguments: []).map(\.campaign.id),
                try Int64.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'change_seq'") ?? 0
            )
        }
        var joined = 0
        for id in campaigns {
            while true {
                let (count, finished) = try await write { db in
                    // Read again in each chunk: a stop or another pass may have come in between.
                    guard let (campaign, cursor) = try Self.loadCampaigns(db, where: "WHERE id = ? AND stopped_at_ms IS NULL", arguments: [id.rawValue]).first,
                          time < campaign.definition.validUntil, cursor < through
                    else { return (0, true) }
                    return try Self.assignMembers(db, campaign, after: cursor, through: through, limit: chunk, at: time)
                }
                joined += count
                if finished { break }
            }
        }
        return joined
    }

    public func campaignReport(_ id: CampaignID) async throws(HubError) -> CampaignReport? {
        try await read { db in
            guard let campaign = try Self.loadCampaigns(db, where: "WHERE id = ?", arguments: [id.rawValue]).first?.campaign else { return nil }
            let summary = try Self.summary(db, campaign, at: Date())
            let window: StatementArguments = [campaign.validFrom.millis, campaign.validUntil.millis]
            // The members' purchases through identity merges, in the currency most of them used.
            let members = """
                FROM campaign_members m LEFT JOIN customer_aliases a ON a.alias = m.customer
                """
            let currencies = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.currency, COUNT(*) AS n \(members)
                    JOIN orders o ON o.customer = COALESCE(a.target, m.customer) AND o.at_ms >= ? AND o.at_ms < ?
                    WHERE m.campaign = ? GROUP BY o.currency ORDER BY n DESC, o.currency
                    """,
                arguments: window + [id.rawValue]
            )
            let currency = currencies.first.flatMap { Currency(rawValue: $0["currency"] as String) }
            let otherOrders = currencies.dropFirst().reduce(0) { $0 + ($1["n"] as Int) }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.customer, m.holdout, o.channel, o.store, COALESCE(SUM(o.kind = 'sale'), 0) AS purchases,
                        COALESCE(SUM(CASE o.kind WHEN 'sale' THEN o.total ELSE -o.total END), 0) AS spend, COALESCE(SUM(o.offer = ?), 0) AS redemptions
                    \(members)
                    LEFT JOIN orders o ON o.customer = COALESCE(a.target, m.customer) AND o.at_ms >= ? AND o.at_ms < ? AND o.currency = ?
                    WHERE m.campaign = ? GROUP BY m.customer, m.holdout, o.channel, o.store
                    """,
                arguments: [id.rawValue] + window + [currency?.rawValue ?? "", id.rawValue]
            ).map { row in
                CampaignReport.MemberRow(
                    customer: row["customer"], holdout: row["holdout"], channel: row["channel"], store: row["store"], purchases: row["purchases"],
                    spend: row["spend"], redemptions: row["redemptions"]
                )
            }
            var redemptions: [Int64: CampaignReport.Redemption] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, currency, total FROM orders WHERE offer = ? AND kind = 'sale'", arguments: [id.rawValue]) {
                guard let code = Currency(rawValue: row["currency"] as String) else { continue }
                redemptions[row["id"]] = CampaignReport.Redemption(total: Money(amount: row["total"], currency: code), lines: [])
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT l.order_id, l.sku, l.quantity, l.amount FROM order_lines l JOIN orders o ON o.id = l.order_id
                    WHERE o.offer = ? AND o.kind = 'sale' ORDER BY l.order_id, l.line
                    """,
                arguments: [id.rawValue]
            ) {
                let orderID: Int64 = row["order_id"]
                guard let total = redemptions[orderID]?.total else { continue }
                let quantity: Int64 = row["quantity"]
                let amount: Int64 = row["amount"]
                // The unit price back from the line's amount, which is what the discount is worked out from.
                redemptions[orderID]?.lines.append(SaleLine(sku: row["sku"], quantity: quantity, unitPrice: Money(amount: amount / max(1, quantity), currency: total.currency)))
            }
            return CampaignReport.make(summary, currency: currency, rows: rows, redemptions: Array(redemptions.values), otherCurrencyOrders: otherOrders)
        }
    }

    /// One campaign's pass over the customers changed since `cursor`.
    /// One chunk of a membership pass: up to `limit` customers changed after
    /// `cursor` and by `through`; moves the cursor past them and says how
    /// many joined and whether the pass reached `through`.
    private static func assignMembers(
        _ db: Database, _ campaign: Campaign, after cursor: Int64, through: Int64, limit: Int, at time: Date
    ) throws -> (joined: Int, finished: Bool) {
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, change_seq FROM customers WHERE change_seq > ? AND change_seq <= ? ORDER BY change_seq LIMIT ?",
            arguments: [cursor, through, limit]
        )
        let ids = rows.map { $0["id"] as String }
        let finished = rows.count < limit
        let reached: Int64 = finished ? through : rows.last?["change_seq"] ?? through
        let member = try db.cachedStatement(sql: "SELECT 1 FROM campaign_members WHERE campaign = ? AND customer = ?")
        let stores = try db.cachedStatement(sql: "SELECT store FROM store_customers WHERE customer = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO campaign_members (campaign, customer, holdout, joined_at_ms) VALUES (?, ?, ?, ?)")
        var clock = try hubClock(db)
        var joined = 0
        for text in ids {
            let id = try CustomerID(validating: text)
            guard var record = try CustomerRows.load(db, id: id) else { continue }
            let isMember = try Bool.fetchOne(member, arguments: [campaign.id.rawValue, text]) ?? false
            let dealtWith = Set(try String.fetchAll(stores, arguments: [text]).compactMap(StoreID.init(rawValue:)))
            let decision = CampaignMembership.decide(campaign, customer: record.state, stores: dealtWith, isMember: isMember)
            guard decision != .none else { continue }
            try insert.execute(arguments: [campaign.id.rawValue, text, decision == .holdout, time.millis])
            joined += 1
            if decision == .treated {
                let loaded = record
                if CampaignMembership.grant(campaign, into: &record.state, stamp: { clock.tick(wallMillis: time.millis) }) {
                    try CustomerRows.save(db, record, before: loaded, changeSeq: try CustomerRows.nextChangeSeq(db))
                }
            }
        }
        try saveHubClock(db, clock)
        try db.execute(
            sql: "UPDATE campaigns SET members_cursor = MAX(members_cursor, ?) WHERE id = ?", arguments: [reached, campaign.id.rawValue]
        )
        return (joined, finished)
    }

    private static func loadCampaigns(_ db: Database, where filter: String, arguments: StatementArguments) throws -> [(campaign: Campaign, cursor: Int64)] {
        try Row.fetchAll(
            db, sql: "SELECT id, definition, created_at_ms, stopped_at_ms, members_cursor FROM campaigns \(filter) ORDER BY created_at_ms DESC, id DESC",
            arguments: arguments
        ).map { row in
            let definition = try CampaignMembership.definition(row["definition"], id: row["id"])
            guard let created = Date(millis: row["created_at_ms"] as Int64) else { throw HubError(.storage, "campaign \(row["id"] ?? "?"): unreadable time") }
            return (
                Campaign(id: try CampaignID(validating: row["id"]), definition: definition, createdAt: created, stoppedAt: Date(millis: row["stopped_at_ms"] as Int64?)),
                row["members_cursor"]
            )
        }
    }

    private static func summary(_ db: Database, _ campaign: Campaign, at time: Date) throws -> CampaignSummary {
        let counts = try Row.fetchOne(
            db, sql: "SELECT COALESCE(SUM(holdout = 0), 0) AS treated, COALESCE(SUM(holdout), 0) AS held FROM campaign_members WHERE campaign = ?",
            arguments: [campaign.id.rawValue]
        )
        let redemptions = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders WHERE offer = ? AND kind = 'sale'", arguments: [campaign.id.rawValue]) ?? 0
        return CampaignSummary(
            campaign: campaign, treated: counts?["treated"] ?? 0, holdout: counts?["held"] ?? 0, redemptions: redemptions, status: campaign.status(at: time)
        )
    }
}
