public import Foundation
import GRDB
public import OmnisyncCore

/// The CRM's recompute: every customer scored from the columns the hub keeps
/// up to date (no profile decoded unless points count toward tiers), only
/// changed customers written, in chunks so pushes are not held up.
extension SQLiteHubStore {
    public func crmSettings() async throws(HubError) -> CRMSettings {
        try await read { db in try Self.setting(db, "crm_settings", default: CRMSettings.default) }
    }

    public func setCRMSettings(_ settings: CRMSettings) async throws(HubError) {
        try await write { db in
            let before = try Self.setting(db, "crm_settings", default: CRMSettings.default)
            try Self.setSetting(db, "crm_settings", settings)
            // Interests read by another rule: every customer's are worked out again.
            if settings.interestRuleDiffers(from: before) {
                try db.execute(sql: "UPDATE customers SET interests = NULL WHERE interests IS NOT NULL")
            }
        }
    }

    /// Customers written per transaction.
    static let recomputeChunk = 1000


    public func recompute(at now: Date) async throws(HubError) -> RecomputeReport {
        let started = ContinuousClock.now
        try await advanceTierWindow(to: now)
        let (settings, inputs, previous, found) = try await read { db in try Self.scoringInputs(db, now: now) }
        let scores = CustomerScoring.score(inputs, now: now, settings: settings)
        let changed = inputs.compactMap { input -> StoredScore? in
            guard let score = scores[input.id] else { return nil }
            let stored = StoredScore(id: input.id, score, interests: found.interests[input.id] ?? previous[input.id]?.interests)
            return previous[input.id] != stored ? stored : nil
        }
        var profilesChanged = 0
        var index = changed.startIndex
        while index < changed.endIndex {
            let chunk = Array(changed[index..<min(index + Self.recomputeChunk, changed.endIndex)])
            profilesChanged += try await write { db in try Self.writeScores(db, chunk, previous: previous, at: now) }
            index += chunk.count
        }
        // Orders up to here are read into interests; later ones make their customers' interests be read again.
        try await write { db in try Self.setSetting(db, Self.interestsWatermark, found.watermark) }
        let elapsed = ContinuousClock.now - started
        return RecomputeReport(
            customers: inputs.count, activeBase: inputs.count(where: { $0.orders > 0 }), changed: changed.count,
            profilesChanged: profilesChanged, interestsRead: found.interests.count, seconds: elapsed.seconds
        )
    }

    /// The settings key of the last order the interests were read up to.
    static let interestsWatermark = "interests_watermark"

    /// Interests worked out in this recompute: for customers with orders
    /// since the last one, or whose interests were forgotten (a catalogue
    /// change, a merge, another rule).
    struct FoundInterests: Sendable {
        var interests: [CustomerID: [Tag]] = [:]
        /// The last order read.
        var watermark: Int64 = 0
    }

    private static func scoringInputs(_ db: Database, now: Date) throws -> (CRMSettings, [CustomerScoring.Input], [CustomerID: StoredScore], FoundInterests) {
        let settings = try setting(db, "crm_settings", default: CRMSettings.default)
        var inputs: [CustomerScoring.Input] = []
        var previous: [CustomerID: StoredScore] = [:]
        var stale: Set<CustomerID> = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, orders, first_purchase_ms, last_purchase_ms, totals, window_spend, window_orders, rfm_recency, rfm_frequency, rfm_monetary,
                segment, tier, lifecycle, churn_risk\(settings.vipPoints == nil ? "" : ", state")
                , interests, p_alive
            FROM customers
            """)
        while let row = try rows.next() {
            let id = try CustomerID(validating: row["id"])
            var activity = CustomerActivity()
            try CustomerTotalsColumn.decode(row["totals"], into: &activity)
            let orders: Int64 = row["orders"]
            let stored = StoredScore(
                id: id, recency: row["rfm_recency"], frequency: row["rfm_frequency"], monetary: row["rfm_monetary"], segment: row["segment"],
                tier: row["tier"], lifecycle: row["lifecycle"], churnRisk: row["churn_risk"], interestsColumn: row["interests"]
            )
            if stored.interests == nil, orders > 0 { stale.insert(id) }
            previous[id] = stored
            // Points only when they count toward tiers: the one reason to decode a state.
            var points: Int64 = 0
            if settings.vipPoints != nil, orders > 0, let bytes = row["state"] as Data? {
                points = (try? ProfileState(compactBytes: [UInt8](bytes)))?.pointsBalance ?? 0
            }
            // An erased customer's counters are cleared: no orders, no tier.
            let inWindow = orders > 0 ? TierWindowSums(column: row["window_spend"], orders: row["window_orders"]) : nil
            inputs.append(CustomerScoring.Input(
                id: id, orders: orders, firstPurchase: Date(millis: row["first_purchase_ms"]), lastPurchase: Date(millis: row["last_purchase_ms"]),
                spend: activity.spend, windowSpend: inWindow?.spend ?? [:], windowOrders: inWindow?.orders ?? 0, points: points,
                previousTier: stored.tier.flatMap(CustomerScoring.Tier.init(rawValue:)),
                previousLifecycle: stored.lifecycle.flatMap(CustomerScoring.Lifecycle.init(rawValue:)), pAlive: row["p_alive"]
            ))
        }
        return (settings, inputs, previous, try interests(db, stale: stale, previous: previous, settings: settings))
    }

    /// Works out the interests of the customers with orders since the
    /// watermark, and of `stale` ones, from their purchases by category.
    private static func interests(_ db: Database, stale: Set<CustomerID>, previous: [CustomerID: StoredScore], settings: CRMSettings) throws -> FoundInterests {
        var found = FoundInterests()
        let watermark = try setting(db, interestsWatermark, default: Int64(0))
        found.watermark = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM orders") ?? 0
        var due = stale
        let buyers = try String.fetchCursor(db, sql: "SELECT DISTINCT customer FROM orders WHERE id > ? AND customer IS NOT NULL", arguments: [watermark])
        while let buyer = try buyers.next() {
            let id = try CustomerID(validating: buyer)
            if previous[id] != nil { due.insert(id) }
        }
        // No catalogue: no categories, so nobody has interests (and nothing to query).
        let catalogued = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM products)") ?? false
        guard catalogued else {
            for id in due { found.interests[id] = [] }
            return found
        }
        if due.count * 8 < previous.count {
            // A few customers: their own orders, through the index by customer.
            for id in due {
                found.interests[id] = InterestTags.interests(try categoryQuantities(db, customer: id), settings: settings)
            }
            return found
        }
        // Many (the first recompute, a new rule): one pass over every order beats a search per customer.
        var quantities: [CustomerID: [String: Int64]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT o.customer, p.category, SUM(CASE o.kind WHEN 'sale' THEN l.quantity ELSE -l.quantity END) AS quantity
            FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.sku = l.sku
            WHERE o.customer IS NOT NULL GROUP BY o.customer, p.category
            """)
        while let row = try rows.next() {
            let id = try CustomerID(validating: row["customer"])
            guard due.contains(id) else { continue }
            quantities[id, default: [:]][row["category"]] = row["quantity"]
        }
        for id in due {
            found.interests[id] = InterestTags.interests(quantities[id] ?? [:], settings: settings)
        }
        return found
    }

    /// Writes changed scores; a changed tier, segment or stage also goes into
    /// the profile (hub-stamped) under the next change sequence. Returns how
    /// many profiles changed.
    private static func writeScores(_ db: Database, _ chunk: [StoredScore], previous: [CustomerID: StoredScore], at now: Date) throws -> Int {
        var changeSeq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = 'change_seq'")) ?? 0
        // One clock for the chunk, saved once: each profile still gets its own stamp.
        var clock = try hubClock(db)
        var profiles = 0
        for stored in chunk {
            let id = stored.id
            try db.run(
                sql: """
                    UPDATE customers SET rfm_recency = ?, rfm_frequency = ?, rfm_monetary = ?, segment = ?, tier = ?, lifecycle = ?, churn_risk = ?,
                        interests = ?
                    WHERE id = ?
                    """,
                arguments: [
                    stored.recency, stored.frequency, stored.monetary, stored.segment, stored.tier, stored.lifecycle, stored.churnRisk,
                    stored.interestsColumn, id.rawValue,
                ]
            )
            guard stored.changesProfile(from: previous[id]) else { continue }
            // Read again in this transaction: a push may have changed it since the scores were read.
            guard var record = try CustomerRows.load(db, id: id), !record.state.isErased else { continue }
            let loaded = record
            guard try stored.write(into: &record.state, stamp: { clock.tick(wallMillis: now.millis) }) else { continue }
            changeSeq += 1
            try CustomerRows.save(db, record, before: loaded, changeSeq: changeSeq)
            profiles += 1
        }
        try db.execute(sql: "UPDATE settings SET value = ? WHERE key = 'change_seq'", arguments: [changeSeq])
        try saveHubClock(db, clock)
        return profiles
    }

    public func audience(_ filter: AudienceFilter) async throws(HubError) -> [CustomerRecord] {
        try await read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            for (column, value) in [("segment", filter.segment), ("tier", filter.tier), ("lifecycle", filter.lifecycle)] {
                guard let value else { continue }
                conditions.append("\(column) = ?")
                arguments.append(value)
            }
            let rows = try String.fetchCursor(
                db, sql: "SELECT id FROM customers\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) ORDER BY id",
                arguments: StatementArguments(arguments)
            )
            var members: [CustomerRecord] = []
            while let id = try rows.next() {
                guard let record = try CustomerRows.load(db, id: try CustomerID(validating: id)), !record.state.isErased else { continue }
                if let channel = filter.consent, record.state.consent[channel]?.value != .optedIn { continue }
                members.append(record)
            }
            return members
        }
    }

    public func segmentCounts() async throws(HubError) -> SegmentCounts {
        try await read { db in
            func counts(_ column: String) throws -> [String: Int] {
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT COALESCE(\(column), 'none') AS value, COUNT(*) AS n FROM customers WHERE orders > 0 OR \(column) IS NOT NULL GROUP BY 1") {
                    counts[row["value"]] = row["n"]
                }
                return counts
            }
            return SegmentCounts(
                segments: try counts("segment"), tiers: try counts("tier"), lifecycle: try counts("lifecycle"),
                churnRisk: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customers WHERE churn_risk = 1") ?? 0
            )
        }
    }
}
