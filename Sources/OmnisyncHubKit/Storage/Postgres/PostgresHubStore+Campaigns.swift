public import Foundation
public import OmnisyncCore
import PostgresNIO

/// Campaigns on PostgreSQL (see ``CampaignStore``).
extension PostgresHubStore: CampaignStore {
    public func createCampaign(_ definition: CampaignDefinition, at time: Date) async throws(HubError) -> CampaignSummary {
        let campaign = Campaign(id: CampaignMembership.mintID(at: time), definition: definition, createdAt: time)
        let body = try CampaignMembership.stored(definition)
        try await transaction { connection in
            try await connection.query(
                "INSERT INTO campaigns (id, definition, created_at_ms) VALUES (\(campaign.id.rawValue), \(body), \(time.millis))", logger: logger
            )
        }
        _ = try await assignCampaignMembers(at: time)
        guard let summary = try await self.campaign(campaign.id) else { throw HubError(.storage, "campaign \(campaign.id) vanished as it was created") }
        return summary
    }

    public func campaigns() async throws(HubError) -> [CampaignSummary] {
        try await snapshot { connection in
            var summaries: [CampaignSummary] = []
            for (campaign, _) in try await Self.loadCampaigns(connection, id: nil, running: false, lock: false, logger: logger) {
                summaries.append(try await Self.summary(connection, campaign, at: Date(), logger: logger))
            }
            return summaries
        }
    }

    public func campaign(_ id: CampaignID) async throws(HubError) -> CampaignSummary? {
        try await snapshot { connection in
            guard let (campaign, _) = try await Self.loadCampaigns(connection, id: id, running: false, lock: false, logger: logger).first else { return nil }
            return try await Self.summary(connection, campaign, at: Date(), logger: logger)
        }
    }

    public func stopCampaign(_ id: CampaignID, at time: Date) async throws(HubError) -> CampaignSummary {
        try await transaction { connection in
            guard var campaign = try await Self.loadCampaigns(connection, id: id, running: false, lock: true, logger: logger).first?.campaign else {
                throw HubError(.notFound, "no campaign \(id) (see `omnisync-hub campaigns list`)")
            }
            guard campaign.stoppedAt == nil else { return try await Self.summary(connection, campaign, at: time, logger: logger) }
            campaign.stoppedAt = time
            try await connection.query("UPDATE campaigns SET stopped_at_ms = \(time.millis) WHERE id = \(id.rawValue)", logger: logger)
            var treated: Set<CustomerID> = []
            for try await customer in try await connection.query(
                "SELECT customer FROM campaign_members WHERE campaign = \(id.rawValue) AND NOT holdout", logger: logger
            ).decode(String.self) {
                treated.insert(try CustomerID(validating: customer))
            }
            let targets = try await PostgresCustomerRows.resolveMany(connection, treated, logger: logger)
            try await Self.grant(connection, campaign, to: Set(treated.map { targets[$0] ?? $0 }), at: time, logger: logger)
            return try await Self.summary(connection, campaign, at: time, logger: logger)
        }
    }

    public func assignCampaignMembers(at time: Date, chunk: Int) async throws(HubError) -> Int {
        precondition(chunk > 0, "a membership chunk holds at least one customer")
        let (campaigns, through) = try await read { connection in
            (
                try await Self.loadCampaigns(connection, id: nil, running: true, lock: false, logger: logger).map(\.campaign.id),
                try await connection.query("SELECT value FROM change_counter WHERE id = 1", logger: logger).collect()[0].decode(Int64.self)
            )
        }
        var joined = 0
        for id in campaigns {
            while true {
                let (count, finished) = try await transaction { connection in
                    // Locked and read again in each chunk: another replica's pass, or a stop, may have come in between.
                    guard let (campaign, cursor) = try await Self.loadCampaigns(connection, id: id, running: true, lock: true, logger: logger).first,
                          time < campaign.definition.validUntil, cursor < through
                    else { return (0, true) }
                    return try await Self.assignMembers(connection, campaign, after: cursor, through: through, limit: chunk, at: time, logger: logger)
                }
                joined += count
                if finished { break }
            }
        }
        return joined
    }

    public func campaignReport(_ id: CampaignID) async throws(HubError) -> CampaignReport? {
        try await snapshot { connection in
            guard let (campaign, _) = try await Self.loadCampaigns(connection, id: id, running: false, lock: false, logger: logger).first else { return nil }
            let summary = try await Self.summary(connection, campaign, at: Date(), logger: logger)
            let (from, until) = (campaign.validFrom.millis, campaign.validUntil.millis)
            // The members' purchases through identity merges, in the currency most of them used.
            var currencies: [(String, Int64)] = []
            for try await row in try await connection.query(
                """
                SELECT o.currency, COUNT(*) AS n FROM campaign_members m LEFT JOIN customer_aliases a ON a.alias = m.customer
                JOIN orders o ON o.customer = COALESCE(a.target, m.customer) AND o.at_ms >= \(from) AND o.at_ms < \(until)
                WHERE m.campaign = \(id.rawValue) GROUP BY o.currency ORDER BY n DESC, o.currency
                """,
                logger: logger
            ).decode((String, Int64).self) {
                currencies.append(row)
            }
            let currency = currencies.first.flatMap { Currency(rawValue: $0.0) }
            let otherOrders = Int(currencies.dropFirst().reduce(0) { $0 + $1.1 })
            var rows: [CampaignReport.MemberRow] = []
            for try await (customer, holdout, channel, store, purchases, spend, redemptions) in try await connection.query(
                """
                SELECT m.customer, m.holdout, o.channel, o.store, COUNT(o.id) FILTER (WHERE o.kind = 'sale'),
                    COALESCE(SUM(CASE o.kind WHEN 'sale' THEN o.total ELSE -o.total END), 0)::BIGINT, COUNT(o.id) FILTER (WHERE o.offer = \(id.rawValue))
                FROM campaign_members m LEFT JOIN customer_aliases a ON a.alias = m.customer
                LEFT JOIN orders o ON o.customer = COALESCE(a.target, m.customer) AND o.at_ms >= \(from) AND o.at_ms < \(until)
                    AND o.currency = \(currency?.rawValue ?? "")
                WHERE m.campaign = \(id.rawValue) GROUP BY m.customer, m.holdout, o.channel, o.store
                """,
                logger: logger
            ).decode((String, Bool, String?, String?, Int64, Int64, Int64).self) {
                rows.append(CampaignReport.MemberRow(
                    customer: customer, holdout: holdout, channel: channel, store: store, purchases: Int(purchases), spend: spend, redemptions: Int(redemptions)
                ))
            }
            var redemptions: [Int64: CampaignReport.Redemption] = [:]
            for try await (orderID, code, total, sku, quantity, amount) in try await connection.query(
                """
                SELECT o.id, o.currency, o.total, l.sku, l.quantity, l.amount FROM orders o JOIN order_lines l ON l.order_id = o.id
                WHERE o.offer = \(id.rawValue) AND o.kind = 'sale' ORDER BY o.id, l.line
                """,
                logger: logger
            ).decode((Int64, String, Int64, String, Int64, Int64).self) {
                guard let money = Currency(rawValue: code) else { continue }
                // The unit price back from the line's amount, which is what the discount is worked out from.
                redemptions[orderID, default: CampaignReport.Redemption(total: Money(amount: total, currency: money), lines: [])]
                    .lines.append(SaleLine(sku: sku, quantity: quantity, unitPrice: Money(amount: amount / max(1, quantity), currency: money)))
            }
            return CampaignReport.make(summary, currency: currency, rows: rows, redemptions: Array(redemptions.values), otherCurrencyOrders: otherOrders)
        }
    }

    /// One campaign's pass over the customers changed since `cursor`, up to
    /// the last change sequence committed (one still being written is seen
    /// by the next pass).
    /// One chunk of a membership pass (see the SQLite store's).
    private static func assignMembers(
        _ connection: PostgresConnection, _ campaign: Campaign, after cursor: Int64, through: Int64, limit: Int, at time: Date, logger: Logger
    ) async throws -> (joined: Int, finished: Bool) {
        var ids: [CustomerID] = []
        var last = cursor
        for try await (id, seq) in try await connection.query(
            "SELECT id, change_seq FROM customers WHERE change_seq > \(cursor) AND change_seq <= \(through) ORDER BY change_seq LIMIT \(Int64(limit))",
            logger: logger
        ).decode((String, Int64).self) {
            ids.append(try CustomerID(validating: id))
            last = seq
        }
        let finished = ids.count < limit
        let reached = finished ? through : last
        var members: Set<String> = []
        for try await customer in try await connection.query(
            "SELECT customer FROM campaign_members WHERE campaign = \(campaign.id.rawValue) AND customer = ANY(\(ids.map(\.rawValue)))", logger: logger
        ).decode(String.self) {
            members.insert(customer)
        }
        var stores: [String: Set<StoreID>] = [:]
        for try await (customer, store) in try await connection.query(
            "SELECT customer, store FROM store_customers WHERE customer = ANY(\(ids.map(\.rawValue)))", logger: logger
        ).decode((String, String).self) {
            if let store = StoreID(rawValue: store) { stores[customer, default: []].insert(store) }
        }
        let records = try await PostgresCustomerRows.loadMany(connection, ids: Set(ids), lock: true, logger: logger)
        var joined: [(String, Bool)] = []
        var treated: Set<CustomerID> = []
        for id in ids {
            guard let record = records[id] else { continue }
            let decision = CampaignMembership.decide(
                campaign, customer: record.state, stores: stores[id.rawValue] ?? [], isMember: members.contains(id.rawValue)
            )
            guard decision != .none else { continue }
            joined.append((id.rawValue, decision == .holdout))
            if decision == .treated { treated.insert(id) }
        }
        if !joined.isEmpty {
            try await connection.query(
                """
                INSERT INTO campaign_members (campaign, customer, holdout, joined_at_ms)
                SELECT \(campaign.id.rawValue), m.customer, m.holdout, \(time.millis) FROM unnest(\(joined.map(\.0))::text[], \(joined.map(\.1))::boolean[])
                    AS m(customer, holdout)
                """,
                logger: logger
            )
        }
        try await grant(connection, campaign, to: treated, at: time, logger: logger)
        try await connection.query(
            "UPDATE campaigns SET members_cursor = GREATEST(members_cursor, \(reached)) WHERE id = \(campaign.id.rawValue)", logger: logger
        )
        return (joined.count, finished)
    }

    /// Writes `campaign`'s offer, as it now stands, into the profiles of `customers`.
    private static func grant(_ connection: PostgresConnection, _ campaign: Campaign, to customers: Set<CustomerID>, at time: Date, logger: Logger) async throws {
        guard !customers.isEmpty else { return }
        let records = try await PostgresCustomerRows.loadMany(connection, ids: customers, lock: true, logger: logger)
        var clock = try await hubClock(connection, logger: logger)
        var stamped: Set<CustomerID> = []
        for id in customers.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard var record = records[id] else { continue }
            let loaded = record
            guard CampaignMembership.grant(campaign, into: &record.state, stamp: { clock.tick(wallMillis: time.millis) }) else { continue }
            try await PostgresCustomerRows.save(connection, record, before: loaded, stateChanged: true, logger: logger)
            stamped.insert(id)
        }
        try await saveHubClock(connection, clock, logger: logger)
        try await PostgresCustomerRows.stamp(connection, stamped, logger: logger)
    }

    private static func loadCampaigns(
        _ connection: PostgresConnection, id: CampaignID?, running: Bool, lock: Bool, logger: Logger
    ) async throws -> [(campaign: Campaign, cursor: Int64)] {
        var campaigns: [(Campaign, Int64)] = []
        for try await (campaignID, body, created, stopped, cursor) in try await connection.query(
            """
            SELECT id, definition, created_at_ms, stopped_at_ms, members_cursor FROM campaigns
            WHERE (\(id?.rawValue)::text IS NULL OR id = \(id?.rawValue)) AND (NOT \(running) OR stopped_at_ms IS NULL)
            ORDER BY created_at_ms DESC, id DESC\(unescaped: lock ? " FOR UPDATE" : "")
            """,
            logger: logger
        ).decode((String, String, Int64, Int64?, Int64).self) {
            guard let createdAt = Date(millis: created) else { throw HubError(.storage, "campaign \(campaignID): unreadable time") }
            let campaign = Campaign(
                id: try CampaignID(validating: campaignID), definition: try CampaignMembership.definition(body, id: campaignID), createdAt: createdAt,
                stoppedAt: Date(millis: stopped)
            )
            campaigns.append((campaign, cursor))
        }
        return campaigns
    }

    private static func summary(_ connection: PostgresConnection, _ campaign: Campaign, at time: Date, logger: Logger) async throws -> CampaignSummary {
        let row = try await connection.query(
            """
            SELECT COUNT(*) FILTER (WHERE NOT holdout), COUNT(*) FILTER (WHERE holdout),
                (SELECT COUNT(*) FROM orders WHERE offer = \(campaign.id.rawValue) AND kind = 'sale')
            FROM campaign_members WHERE campaign = \(campaign.id.rawValue)
            """,
            logger: logger
        ).collect()[0]
        let (treated, held, redemptions) = try row.decode((Int64, Int64, Int64).self)
        return CampaignSummary(campaign: campaign, treated: Int(treated), holdout: Int(held), redemptions: Int(redemptions), status: campaign.status(at: time))
    }
}
