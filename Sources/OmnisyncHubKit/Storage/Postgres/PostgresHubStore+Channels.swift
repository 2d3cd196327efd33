public import Foundation
public import OmnisyncCore
import PostgresNIO

/// Other sales channels on PostgreSQL: integrations, online orders applied
/// exactly once, duplicate contacts.
///
/// Two replicas importing at once: an order's `(channel, order_id)` is
/// unique, so the second to store it fails, runs again and finds it a
/// duplicate; and a batch first takes advisory locks on the identifiers its
/// orders name (card, email, phone), so two orders of one new customer on
/// two replicas make one customer, not two.
extension PostgresHubStore: ChannelStore {
    public func addChannel(_ name: String, tokenHash: String, at: Date) async throws(HubError) -> ChannelRecord {
        guard OnlineOrder.isValidChannel(name) else {
            throw HubError(.malformedRequest, "invalid channel name '\(name.prefix(40))': letters, digits, '.', '_' or '-', at most 32 characters")
        }
        return try await transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO channels (name, token_hash, created_at_ms) VALUES (\(name), \(tokenHash), \(at.millis))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """,
                logger: logger
            ).collect()
            guard !inserted.isEmpty else {
                throw HubError(.channelExists, "channel \(name) is already registered; revoke it and register the replacement under a new name")
            }
            return ChannelRecord(name: name, createdAt: Date(millis: at.millis)!, revokedAt: nil)
        }
    }

    public func channel(tokenHash: String) async throws(HubError) -> ChannelRecord? {
        try await read { connection in
            try await connection.query("SELECT name, created_at_ms, revoked_at_ms FROM channels WHERE token_hash = \(tokenHash)", logger: logger)
                .collect().first.map(Self.channelRecord)
        }
    }

    public func channels() async throws(HubError) -> [ChannelRecord] {
        try await read { connection in
            try await connection.query("SELECT name, created_at_ms, revoked_at_ms FROM channels ORDER BY name", logger: logger).collect().map(Self.channelRecord)
        }
    }

    public func revokeChannel(_ name: String, at: Date) async throws(HubError) -> ChannelRecord {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE channels SET revoked_at_ms = COALESCE(revoked_at_ms, \(at.millis)) WHERE name = \(name)
                RETURNING name, created_at_ms, revoked_at_ms
                """,
                logger: logger
            ).collect()
            guard let row = rows.first else {
                throw HubError(.notFound, "no channel \(name.prefix(40)) is registered (see `omnisync-hub channels list`)")
            }
            return try Self.channelRecord(row)
        }
    }

    private static func channelRecord(_ row: PostgresRow) throws -> ChannelRecord {
        let (name, created, revoked) = try row.decode((String, Int64, Int64?).self)
        return ChannelRecord(name: name, createdAt: Date(millis: created) ?? Date(timeIntervalSince1970: 0), revokedAt: Date(millis: revoked))
    }

    public func recordOnlineOrders(_ orders: [OnlineOrder], at: Date) async throws(HubError) -> [OnlineOrderOutcome] {
        try await transaction { connection in
            let settings = try await Self.setting(connection, "hub_settings", default: HubSettings.default, logger: logger)
            let largeAmount = try await Self.setting(connection, "crm_settings", default: CRMSettings.default, logger: logger).largePurchase
            let policy = try await Self.setting(connection, "loyalty_policy", default: LoyaltyPolicy.default, logger: logger)
            let identities = orders.map { OnlineOrderIngestor.identity(of: $0, phoneCountryCode: settings.phoneCountryCode) }
            // One customer per identifier, whichever replica sees it first.
            var keys: Set<String> = []
            for case .success(let identity) in identities {
                if let card = identity.card { keys.insert("card:" + card.rawValue) }
                if let email = identity.email { keys.insert("email:" + email.value) }
                if let phone = identity.phone { keys.insert("phone:" + phone.value) }
            }
            try await Self.lockIdentifiers(connection, keys, logger: logger)
            var applied = try await Self.appliedOrders(connection, orders, logger: logger)
            var clock = try await Self.hubClock(connection, logger: logger)
            var stamped: Set<CustomerID> = []
            var outcomes: [OnlineOrderOutcome] = []
            var generator = SystemRandomNumberGenerator()
            for (order, identityResult) in zip(orders, identities) {
                let key = "\(order.channel)\u{0}\(order.orderID)"
                if let customer = applied[key] {
                    var resolved: CustomerID?
                    if let customer { resolved = try await PostgresCustomerRows.resolve(connection, customer, logger: logger) }
                    outcomes.append(OnlineOrderOutcome(orderId: order.orderID, channel: order.channel, status: .duplicate, customer: resolved))
                    continue
                }
                let identity: OnlineOrderIngestor.Identity
                switch identityResult {
                case .failure(let unusable):
                    try await Self.quarantine(connection, order, reason: unusable.description, at: at, logger: logger)
                    outcomes.append(OnlineOrderOutcome(
                        orderId: order.orderID, channel: order.channel, status: .quarantined, customer: nil, reason: unusable.description
                    ))
                    continue
                case .success(let value):
                    identity = value
                }
                try await connection.query(
                    "DELETE FROM order_quarantine WHERE channel = \(order.channel) AND order_id = \(order.orderID)", logger: logger
                )
                guard !identity.isEmpty else {
                    try await PostgresOrderRows.insert(connection, online: order, customer: nil, pointsEarned: 0, logger: logger)
                    applied[key] = .some(nil)
                    outcomes.append(OnlineOrderOutcome(orderId: order.orderID, channel: order.channel, status: .applied, customer: nil))
                    continue
                }
                let found = try await Self.customer(connection, matching: identity, logger: logger)
                var before: CustomerRecord?
                if let found { before = try await PostgresCustomerRows.load(connection, id: found, lock: true, logger: logger) }
                let record = before ?? CustomerRecord(id: CustomerID(rawValue: UUIDv7.make(unixMillis: at.millis, using: &generator))!)
                let stamp = clock.tick(wallMillis: at.millis)
                var updated: CustomerRecord
                let overuse: OnlineOrderIngestor.FlaggedOffer?
                do throws(ApplyError) {
                    let applied = try OnlineOrderIngestor.apply(order, identity: identity, to: record, policy: policy, stamp: stamp)
                    (updated, overuse) = (applied.record, applied.flaggedOffer)
                } catch {
                    let reason = "cannot apply: \(error.message)"
                    try await Self.quarantine(connection, order, reason: reason, at: at, logger: logger)
                    outcomes.append(OnlineOrderOutcome(orderId: order.orderID, channel: order.channel, status: .quarantined, customer: nil, reason: reason))
                    continue
                }
                let events = updated.state.isErased ? [] : PurchaseEvents.detect(
                    [PurchaseEvents.Purchase(customer: updated.state.id, total: order.total, at: order.at)],
                    ordersBefore: { _ in before?.activity.orders ?? 0 }, largeAmount: largeAmount
                )
                try? PurchaseEvents.tag(&updated.state, with: Set(events.map(\.kind)), stamp: stamp)
                for event in events {
                    try await connection.query(
                        """
                        INSERT INTO customer_events (customer, kind, at_ms, currency, total, raised_at_ms)
                        VALUES (\(event.customer.rawValue), \(event.kind.rawValue), \(event.at.millis), \(event.total.currency.rawValue),
                            \(event.total.amount), \(at.millis))
                        """,
                        logger: logger
                    )
                }
                try await PostgresCustomerRows.save(connection, updated, before: before, stateChanged: true, logger: logger)
                stamped.insert(updated.state.id)
                try await PostgresOrderRows.insert(
                    connection, online: order, customer: updated.state.id, pointsEarned: policy.pointsEarned(by: order.total), logger: logger
                )
                if let overuse {
                    try await Self.insert(connection, OfferOveruseRecord(
                        campaign: overuse.campaign, customer: updated.state.id, channel: order.channel, orderID: order.orderID, uses: overuse.uses,
                        allowed: overuse.allowed, outsideWindow: overuse.outsideWindow, detectedAt: at
                    ), logger: logger)
                }
                applied[key] = .some(updated.state.id)
                outcomes.append(OnlineOrderOutcome(
                    orderId: order.orderID, channel: order.channel, status: .applied, customer: updated.state.id, created: before == nil,
                    offerFlagged: overuse == nil ? nil : true
                ))
            }
            try await Self.saveHubClock(connection, clock, logger: logger)
            try await PostgresCustomerRows.stamp(connection, stamped, logger: logger)
            return outcomes
        }
    }

    /// The orders of `orders` already stored, by channel and order id, with
    /// their customer (nil for an anonymous one).
    private static func appliedOrders(_ connection: PostgresConnection, _ orders: [OnlineOrder], logger: Logger) async throws -> [String: CustomerID?] {
        var applied: [String: CustomerID?] = [:]
        for (channel, group) in Dictionary(grouping: orders, by: \.channel) {
            for try await (orderID, customer) in try await connection.query(
                "SELECT order_id, customer FROM orders WHERE channel = \(channel) AND order_id = ANY(\(group.map(\.orderID)))", logger: logger
            ).decode((String, String?).self) {
                applied["\(channel)\u{0}\(orderID)"] = .some(customer.flatMap(CustomerID.init(rawValue:)))
            }
        }
        return applied
    }

    /// The card's holder, else the oldest customer with the email, else with the phone.
    private static func customer(_ connection: PostgresConnection, matching identity: OnlineOrderIngestor.Identity, logger: Logger) async throws -> CustomerID? {
        if let card = identity.card, let holder = try await PostgresCustomerRows.cardHolder(connection, card, logger: logger) { return holder }
        if let email = identity.email, let holder = try await PostgresContactRows.customers(connection, kind: .email, value: email.value, logger: logger).first {
            return holder
        }
        if let phone = identity.phone, let holder = try await PostgresContactRows.customers(connection, kind: .phone, value: phone.value, logger: logger).first {
            return holder
        }
        return nil
    }

    private static func quarantine(_ connection: PostgresConnection, _ order: OnlineOrder, reason: String, at: Date, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO order_quarantine (channel, order_id, reason, body, quarantined_at_ms)
            VALUES (\(order.channel), \(order.orderID), \(reason), \(try WireCoding.encode(order)), \(at.millis))
            ON CONFLICT (channel, order_id) DO UPDATE SET reason = excluded.reason, body = excluded.body
            """,
            logger: logger
        )
    }

    public func quarantinedOrders() async throws(HubError) -> [QuarantinedOrderRecord] {
        try await read { connection in
            var records: [QuarantinedOrderRecord] = []
            for try await (channel, orderID, reason, at) in try await connection.query(
                "SELECT channel, order_id, reason, quarantined_at_ms FROM order_quarantine ORDER BY quarantined_at_ms, channel, order_id", logger: logger
            ).decode((String, String, String, Int64).self) {
                records.append(QuarantinedOrderRecord(channel: channel, orderId: orderID, reason: reason, quarantinedAt: Date(millis: at) ?? Date(timeIntervalSince1970: 0)))
            }
            return records
        }
    }

    public func duplicateContacts() async throws(HubError) -> [DuplicateContact] {
        try await read { connection in
            var duplicates: [DuplicateContact] = []
            for try await (kind, value, customers) in try await connection.query(
                """
                SELECT kind, value, array_agg(customer ORDER BY customer) FROM customer_contacts
                GROUP BY kind, value HAVING COUNT(*) > 1 ORDER BY kind, value
                """,
                logger: logger
            ).decode((String, String, [String]).self) {
                duplicates.append(DuplicateContact(
                    kind: DuplicateContact.Kind(rawValue: kind) ?? .email, value: value, customers: customers.compactMap(CustomerID.init(rawValue:))
                ))
            }
            return duplicates
        }
    }
}
