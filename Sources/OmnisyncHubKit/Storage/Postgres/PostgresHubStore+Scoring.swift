public import Foundation
public import OmnisyncCore
import PostgresNIO

/// The CRM's recompute on PostgreSQL (see `SQLiteHubStore+Scoring`): scores
/// read in one snapshot, only changed customers written, in chunks, each
/// customer locked and read again before its profile changes.
extension PostgresHubStore: ScoringStore {
    public func crmSettings() async throws(HubError) -> CRMSettings {
        try await read { connection in try await Self.setting(connection, "crm_settings", default: CRMSettings.default, logger: logger) }
    }

    public func setCRMSettings(_ settings: CRMSettings) async throws(HubError) {
        try await transaction { connection in
            let before = try await Self.setting(connection, "crm_settings", default: CRMSettings.default, lock: true, logger: logger)
            try await Self.setSetting(connection, "crm_settings", settings, logger: logger)
            if settings.interestRuleDiffers(from: before) {
                try await connection.query("UPDATE customers SET interests = NULL WHERE interests IS NOT NULL", logger: logger)
            }
        }
    }

    /// The settings key of the snapshot the interests were last read in.
    static let interestsSnapshotKey = "interests_snapshot"

    public func recompute(at now: Date) async throws(HubError) -> RecomputeReport {
        let started = ContinuousClock.now
        try await advanceTierWindow(to: now)
        let (settings, inputs, previous, interests, snapshot) = try await snapshot { connection in
            try await Self.scoringInputs(connection, logger: logger)
        }
        let scores = CustomerScoring.score(inputs, now: now, settings: settings)
        let changed = inputs.compactMap { input -> StoredScore? in
            guard let score = scores[input.id] else { return nil }
            let stored = StoredScore(id: input.id, score, interests: interests[input.id] ?? previous[input.id]?.interests)
            return previous[input.id] != stored ? stored : nil
        }
        var profilesChanged = 0
        var index = changed.startIndex
        while index < changed.endIndex {
            let chunk = Array(changed[index..<min(index + SQLiteHubStore.recomputeChunk, changed.endIndex)])
            profilesChanged += try await transaction { connection in
                try await Self.writeScores(connection, chunk, previous: previous, at: now, logger: logger)
            }
            index += chunk.count
        }
        try await transaction { connection in try await Self.setSetting(connection, Self.interestsSnapshotKey, snapshot, logger: logger) }
        let elapsed = ContinuousClock.now - started
        return RecomputeReport(
            customers: inputs.count, activeBase: inputs.count(where: { $0.orders > 0 }), changed: changed.count,
            profilesChanged: profilesChanged, interestsRead: interests.count,
            seconds: elapsed.seconds
        )
    }

    private static func scoringInputs(_ connection: PostgresConnection, logger: Logger) async throws -> (
        CRMSettings, [CustomerScoring.Input], [CustomerID: StoredScore], [CustomerID: [Tag]], String
    ) {
        let snapshot = try await connection.query("SELECT pg_current_snapshot()::text", logger: logger).collect()[0].decode(String.self)
        let settings = try await setting(connection, "crm_settings", default: CRMSettings.default, logger: logger)
        var inputs: [CustomerScoring.Input] = []
        var previous: [CustomerID: StoredScore] = [:]
        var due: Set<CustomerID> = []
        let rows = try await connection.query(
            """
            SELECT id, orders, first_purchase_ms, last_purchase_ms, totals, window_spend, window_orders, rfm_recency, rfm_frequency, rfm_monetary,
                segment, tier, lifecycle, churn_risk, interests, \(unescaped: settings.vipPoints == nil ? "NULL::bytea" : "state"), p_alive
            FROM customers
            """,
            logger: logger
        )
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let id = try CustomerID(validating: try cells[0].decode(String.self))
            var activity = CustomerActivity()
            try CustomerTotalsColumn.decode(try cells[4].decode(String?.self), into: &activity)
            let orders = try cells[1].decode(Int64.self)
            let stored = StoredScore(
                id: id, recency: try cells[7].decode(Int32?.self).map(Int.init), frequency: try cells[8].decode(Int32?.self).map(Int.init),
                monetary: try cells[9].decode(Int32?.self).map(Int.init), segment: try cells[10].decode(String?.self),
                tier: try cells[11].decode(String?.self), lifecycle: try cells[12].decode(String?.self), churnRisk: try cells[13].decode(Bool.self),
                interestsColumn: try cells[14].decode(String?.self)
            )
            previous[id] = stored
            if stored.interests == nil, orders > 0 { due.insert(id) }
            var points: Int64 = 0
            if settings.vipPoints != nil, orders > 0, let bytes = try cells[15].decode(Data?.self) {
                points = (try? ProfileState(compactBytes: [UInt8](bytes)))?.pointsBalance ?? 0
            }
            let inWindow = orders > 0 ? TierWindowSums(column: try cells[5].decode(String.self), orders: try cells[6].decode(Int64.self)) : nil
            inputs.append(CustomerScoring.Input(
                id: id, orders: orders, firstPurchase: Date(millis: try cells[2].decode(Int64?.self)),
                lastPurchase: Date(millis: try cells[3].decode(Int64?.self)),
                spend: activity.spend, windowSpend: inWindow?.spend ?? [:], windowOrders: inWindow?.orders ?? 0, points: points,
                previousTier: stored.tier.flatMap(CustomerScoring.Tier.init(rawValue:)),
                previousLifecycle: stored.lifecycle.flatMap(CustomerScoring.Lifecycle.init(rawValue:)), pAlive: try cells[16].decode(Double?.self)
            ))
        }
        // Customers who bought since the snapshot the interests were last read in.
        let buyers: PostgresRowSequence
        if let last = try await setting(connection, interestsSnapshotKey, default: String?.none, logger: logger) {
            buyers = try await connection.query(
                """
                SELECT DISTINCT customer FROM orders
                WHERE xid >= pg_snapshot_xmin(\(last)::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, \(last)::pg_snapshot) AND customer IS NOT NULL
                """,
                logger: logger
            )
        } else {
            buyers = try await connection.query("SELECT DISTINCT customer FROM orders WHERE customer IS NOT NULL", logger: logger)
        }
        for try await buyer in buyers.decode(String.self) {
            if let id = CustomerID(rawValue: buyer), previous[id] != nil { due.insert(id) }
        }
        var interests: [CustomerID: [Tag]] = [:]
        let catalogued = try await connection.query("SELECT EXISTS (SELECT 1 FROM products)", logger: logger).collect()[0].decode(Bool.self)
        if catalogued, !due.isEmpty {
            let quantities = try await categoryQuantities(connection, customers: due.count * 8 < previous.count ? Array(due) : nil, logger: logger)
            for id in due { interests[id] = InterestTags.interests(quantities[id] ?? [:], settings: settings) }
        } else {
            for id in due { interests[id] = [] }
        }
        return (settings, inputs, previous, interests, snapshot)
    }

    private static func writeScores(_ connection: PostgresConnection, _ chunk: [StoredScore], previous: [CustomerID: StoredScore], at now: Date, logger: Logger) async throws -> Int {
        for stored in chunk {
            try await connection.query(
                """
                UPDATE customers SET rfm_recency = \(stored.recency.map(Int32.init)), rfm_frequency = \(stored.frequency.map(Int32.init)),
                    rfm_monetary = \(stored.monetary.map(Int32.init)), segment = \(stored.segment), tier = \(stored.tier),
                    lifecycle = \(stored.lifecycle), churn_risk = \(stored.churnRisk), interests = \(stored.interestsColumn)
                WHERE id = \(stored.id.rawValue)
                """,
                logger: logger
            )
        }
        let profileChanges = chunk.filter { $0.changesProfile(from: previous[$0.id]) }
        guard !profileChanges.isEmpty else { return 0 }
        // Locked and read again: a push may have changed them since the scores were read.
        let records = try await PostgresCustomerRows.loadMany(connection, ids: Set(profileChanges.map(\.id)), lock: true, logger: logger)
        var clock = try await hubClock(connection, logger: logger)
        var stamped: Set<CustomerID> = []
        for stored in profileChanges {
            guard var record = records[stored.id], !record.state.isErased else { continue }
            let loaded = record
            guard try stored.write(into: &record.state, stamp: { clock.tick(wallMillis: now.millis) }) else { continue }
            try await PostgresCustomerRows.save(connection, record, before: loaded, stateChanged: true, logger: logger)
            stamped.insert(stored.id)
        }
        try await saveHubClock(connection, clock, logger: logger)
        try await PostgresCustomerRows.stamp(connection, stamped, logger: logger)
        return stamped.count
    }

    public func segmentCounts() async throws(HubError) -> SegmentCounts {
        try await snapshot { connection in
            func counts(_ column: String) async throws -> [String: Int] {
                var counts: [String: Int] = [:]
                for try await (value, count) in try await connection.query(
                    """
                    SELECT COALESCE(\(unescaped: column), 'none'), COUNT(*) FROM customers WHERE orders > 0 OR \(unescaped: column) IS NOT NULL
                    GROUP BY 1
                    """,
                    logger: logger
                ).decode((String, Int64).self) {
                    counts[value] = Int(count)
                }
                return counts
            }
            let churn = try await connection.query("SELECT COUNT(*) FROM customers WHERE churn_risk", logger: logger).collect()[0].decode(Int64.self)
            return SegmentCounts(
                segments: try await counts("segment"), tiers: try await counts("tier"), lifecycle: try await counts("lifecycle"), churnRisk: Int(churn)
            )
        }
    }

    public func audience(_ filter: AudienceFilter) async throws(HubError) -> [CustomerRecord] {
        try await snapshot { connection in
            var members: [CustomerRecord] = []
            let rows = try await connection.query(
                """
                SELECT \(unescaped: PostgresCustomerRows.recordColumns) FROM customers
                WHERE (\(filter.segment)::text IS NULL OR segment = \(filter.segment))
                    AND (\(filter.tier)::text IS NULL OR tier = \(filter.tier))
                    AND (\(filter.lifecycle)::text IS NULL OR lifecycle = \(filter.lifecycle))
                ORDER BY id
                """,
                logger: logger
            )
            for try await row in rows {
                let record = try PostgresCustomerRows.record(row)
                guard !record.state.isErased else { continue }
                if let channel = filter.consent, record.state.consent[channel]?.value != .optedIn { continue }
                members.append(record)
            }
            return members
        }
    }
}
