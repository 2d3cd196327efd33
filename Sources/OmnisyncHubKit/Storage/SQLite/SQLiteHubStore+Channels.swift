public import Foundation
import GRDB
public import OmnisyncCore

/// Other sales channels: their integrations, their orders applied exactly
/// once to the customer their identifiers find, and duplicate contacts.
extension SQLiteHubStore {
    public func addChannel(_ name: String, tokenHash: String, at: Date) async throws(HubError) -> ChannelRecord {
        guard OnlineOrder.isValidChannel(name) else {
            throw HubError(.malformedRequest, "invalid channel name '\(name.prefix(40))': letters, digits, '.', '_' or '-', at most 32 characters")
        }
        return try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM channels WHERE name = ?", arguments: [name]) == true {
                throw HubError(.channelExists, "channel \(name) is already registered; revoke it and register the replacement under a new name")
            }
            try db.execute(
                sql: "INSERT INTO channels (name, token_hash, created_at_ms) VALUES (?, ?, ?)", arguments: [name, tokenHash, at.millis]
            )
            return ChannelRecord(name: name, createdAt: Date(millis: at.millis)!, revokedAt: nil)
        }
    }

    public func channel(tokenHash: String) async throws(HubError) -> ChannelRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM channels WHERE token_hash = ?", arguments: [tokenHash]).map(Self.channelRecord)
        }
    }

    public func channels() async throws(HubError) -> [ChannelRecord] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM channels ORDER BY name").map(Self.channelRecord) }
    }

    public func revokeChannel(_ name: String, at: Date) async throws(HubError) -> ChannelRecord {
        try await write { db in
            try db.execute(sql: "UPDATE channels SET revoked_at_ms = COALESCE(revoked_at_ms, ?) WHERE name = ?", arguments: [at.millis, name])
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM channels WHERE name = ?", arguments: [name]) else {
                throw HubError(.notFound, "no channel \(name.prefix(40)) is registered (see `omnisync-hub channels list`)")
            }
            return Self.channelRecord(row)
        }
    }

    private static func channelRecord(_ row: Row) -> ChannelRecord {
        ChannelRecord(name: row["name"], createdAt: Date(millis: row["created_at_ms"]) ?? Date(timeIntervalSince1970: 0), revokedAt: Date(millis: row["revoked_at_ms"]))
    }

    public func recordOnlineOrders(_ orders: [OnlineOrder], at: Date) async throws(HubError) -> [OnlineOrderOutcome] {
        try await groupWrite { db in
            let settings = try Self.setting(db, "hub_settings", default: HubSettings.default)
            let largeAmount = try Self.setting(db, "crm_settings", default: CRMSettings.default).largePurchase
            let policy = try Self.setting(db, "loyalty_policy", default: LoyaltyPolicy.default)
            var changeSeq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = 'change_seq'")) ?? 0
            // One clock for the batch, saved once: each order still gets its own stamp.
            var clock = try Self.hubClock(db)
            // What the batch names that is already in: one statement, whatever the batch's size.
            var applied = try Self.appliedOrders(db, orders)
            let anyQuarantined = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM order_quarantine)") ?? false
            var outcomes: [OnlineOrderOutcome] = []
            var generator = SystemRandomNumberGenerator()
            for order in orders {
                let key = OrderKey(channel: order.channel, orderID: order.orderID)
                if let customer = applied[key] {
                    outcomes.append(OnlineOrderOutcome(
                        orderId: order.orderID, channel: order.channel, status: .duplicate, customer: try customer.map { try Self.resolve(db, $0) }
                    ))
                    continue
                }
                let identity: OnlineOrderIngestor.Identity
                switch OnlineOrderIngestor.identity(of: order, phoneCountryCode: settings.phoneCountryCode) {
                case .failure(let unusable):
                    try Self.quarantine(db, order, reason: unusable.description, at: at)
                    outcomes.append(OnlineOrderOutcome(
                        orderId: order.orderID, channel: order.channel, status: .quarantined, customer: nil, reason: unusable.description
                    ))
                    continue
                case .success(let value):
                    identity = value
                }
                if anyQuarantined {
                    try db.execute(sql: "DELETE FROM order_quarantine WHERE channel = ? AND order_id = ?", arguments: [order.channel, order.orderID])
                }
                guard !identity.isEmpty else {
                    // Anonymous: a fact of the channel, no customer's.
                    try OrderRows.insert(db, online: order, customer: nil, pointsEarned: 0)
                    applied[key] = .some(nil)
                    outcomes.append(OnlineOrderOutcome(orderId: order.orderID, channel: order.channel, status: .applied, customer: nil))
                    continue
                }
                let found = try Self.customer(db, matching: identity)
                let before = try found.flatMap { try Self.customer(db, id: $0) }
                let record = before ?? CustomerRecord(id: CustomerID(rawValue: UUIDv7.make(unixMillis: at.millis, using: &generator))!)
                let stamp = clock.tick(wallMillis: at.millis)
                var updated: CustomerRecord
                let overuse: OnlineOrderIngestor.FlaggedOffer?
                do throws(ApplyError) {
                    let applied = try OnlineOrderIngestor.apply(order, identity: identity, to: record, policy: policy, stamp: stamp)
                    (updated, overuse) = (applied.record, applied.flaggedOffer)
                } catch {
                    let reason = "cannot apply: \(error.message)"
                    try Self.quarantine(db, order, reason: reason, at: at)
                    outcomes.append(OnlineOrderOutcome(orderId: order.orderID, channel: order.channel, status: .quarantined, customer: nil, reason: reason))
                    continue
                }
                let events = updated.state.isErased ? [] : PurchaseEvents.detect(
                    [PurchaseEvents.Purchase(customer: updated.state.id, total: order.total, at: order.at)],
                    ordersBefore: { _ in before?.activity.orders ?? 0 }, largeAmount: largeAmount
                )
                // A profile already at its tag limit keeps its tags; the event is recorded all the same.
                try? PurchaseEvents.tag(&updated.state, with: Set(events.map(\.kind)), stamp: stamp)
                try EventRows.insert(db, events, raisedAt: at)
                changeSeq += 1
                try CustomerRows.save(db, updated, before: before, changeSeq: changeSeq)
                try OrderRows.insert(db, online: order, customer: updated.state.id, pointsEarned: policy.pointsEarned(by: order.total))
                if let overuse {
                    try OfferOveruseRows.insert(db, OfferOveruseRecord(
                        campaign: overuse.campaign, customer: updated.state.id, channel: order.channel, orderID: order.orderID, uses: overuse.uses,
                        allowed: overuse.allowed, outsideWindow: overuse.outsideWindow, detectedAt: at
                    ))
                }
                applied[key] = .some(updated.state.id)
                outcomes.append(OnlineOrderOutcome(
                    orderId: order.orderID, channel: order.channel, status: .applied, customer: updated.state.id, created: before == nil,
                    offerFlagged: overuse == nil ? nil : true
                ))
            }
            try db.execute(sql: "UPDATE settings SET value = ? WHERE key = 'change_seq'", arguments: [changeSeq])
            try Self.saveHubClock(db, clock)
            return outcomes
        }
    }

    /// A channel's order id: what makes an order's resend a no-op.
    private struct OrderKey: Hashable {
        var channel: String
        var orderID: String
    }

    /// The orders of `orders` already applied, with their customer (nil for
    /// an anonymous one), in one statement.
    private static func appliedOrders(_ db: Database, _ orders: [OnlineOrder]) throws -> [OrderKey: CustomerID?] {
        var applied: [OrderKey: CustomerID?] = [:]
        for (channel, group) in Dictionary(grouping: orders, by: \.channel) {
            let ids = try WireCoding.encode(group.map(\.orderID))
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT order_id, customer FROM orders WHERE channel = ? AND order_id IN (SELECT value FROM json_each(?))"),
                arguments: [channel, String(decoding: ids, as: UTF8.self)]
            )
            while let row = try rows.next() {
                applied[OrderKey(channel: channel, orderID: row[0])] = .some((row[1] as String?).flatMap(CustomerID.init(rawValue:)))
            }
        }
        return applied
    }

    /// The customer an order's identifiers name: the card's holder, else
    /// the oldest customer with the email, else with the phone.
    private static func customer(_ db: Database, matching identity: OnlineOrderIngestor.Identity) throws -> CustomerID? {
        if let card = identity.card, let holder = try cardHolder(db, card) { return holder }
        if let email = identity.email, let holder = try ContactRows.customers(db, kind: .email, value: email.value).first { return holder }
        if let phone = identity.phone, let holder = try ContactRows.customers(db, kind: .phone, value: phone.value).first { return holder }
        return nil
    }

    private static func quarantine(_ db: Database, _ order: OnlineOrder, reason: String, at: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO order_quarantine (channel, order_id, reason, body, quarantined_at_ms) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (channel, order_id) DO UPDATE SET reason = excluded.reason, body = excluded.body
                """,
            arguments: [order.channel, order.orderID, reason, try WireCoding.encode(order), at.millis]
        )
    }

    public func quarantinedOrders() async throws(HubError) -> [QuarantinedOrderRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT channel, order_id, reason, quarantined_at_ms FROM order_quarantine ORDER BY quarantined_at_ms, channel, order_id")
                .map { row in
                    QuarantinedOrderRecord(
                        channel: row["channel"], orderId: row["order_id"], reason: row["reason"],
                        quarantinedAt: Date(millis: row["quarantined_at_ms"]) ?? Date(timeIntervalSince1970: 0)
                    )
                }
        }
    }

    public func duplicateContacts() async throws(HubError) -> [DuplicateContact] {
        try await read { db in try ContactRows.duplicates(db) }
    }
}
