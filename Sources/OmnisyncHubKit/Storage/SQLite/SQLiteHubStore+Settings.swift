public import Foundation
import GRDB
public import OmnisyncCore
import Synchronization

/// Loyalty policies, hub settings and the hub's own clock.
extension SQLiteHubStore {
    public func policy(for store: StoreID) async throws(HubError) -> LoyaltyPolicy {
        try await read { db in try Self.policy(db, store: store) }
    }

    public func policies() async throws(HubError) -> (chain: LoyaltyPolicy, stores: [StoreID: LoyaltyPolicy]) {
        try await read { db in
            var stores: [StoreID: LoyaltyPolicy] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT store, policy FROM store_policies") {
                stores[try StoreID(validating: row["store"])] = try WireCoding.decode(LoyaltyPolicy.self, from: row["policy"])
            }
            return (try Self.setting(db, "loyalty_policy", default: LoyaltyPolicy.default), stores)
        }
    }

    public func setPolicy(_ policy: LoyaltyPolicy, for store: StoreID?) async throws(HubError) {
        try await write { db in
            if let store {
                try db.execute(
                    sql: "INSERT INTO store_policies (store, policy) VALUES (?, ?) ON CONFLICT (store) DO UPDATE SET policy = excluded.policy",
                    arguments: [store.rawValue, try WireCoding.encode(policy)]
                )
            } else {
                try Self.setSetting(db, "loyalty_policy", policy)
            }
        }
    }

    public func settings() async throws(HubError) -> HubSettings {
        try await read { db in try Self.setting(db, "hub_settings", default: HubSettings.default) }
    }

    public func setSettings(_ settings: HubSettings) async throws(HubError) {
        try await write { db in
            let before = try Self.setting(db, "hub_settings", default: HubSettings.default)
            try Self.setSetting(db, "hub_settings", settings)
            // National phone numbers read differently: match customers by the new reading.
            if before.phoneCountryCode != settings.phoneCountryCode { try ContactRows.reindexAll(db) }
        }
    }

    static func policy(_ db: Database, store: StoreID) throws -> LoyaltyPolicy {
        if let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT policy FROM store_policies WHERE store = ?"), arguments: [store.rawValue]) {
            return try DecodedSettings.decode(LoyaltyPolicy.self, from: data)
        }
        return try setting(db, "loyalty_policy", default: LoyaltyPolicy.default)
    }

    static func setting<T: Decodable & Sendable>(_ db: Database, _ key: String, default value: T) throws -> T {
        // Read on every push and pull: compiled once per connection.
        guard let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = ?"), arguments: [key]) else { return value }
        return try DecodedSettings.decode(T.self, from: data)
    }

    static func setSetting(_ db: Database, _ key: String, _ value: some Encodable) throws {
        try db.execute(
            sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            arguments: [key, try WireCoding.encode(value)]
        )
    }

    /// The hub's own hybrid logical clock, persisted, for what the hub writes
    /// (an erasure on request).
    static func tickHubClock(_ db: Database, now: Date) throws -> HLCTimestamp {
        var clock = try hubClock(db)
        let stamp = clock.tick(wallMillis: now.millis)
        try saveHubClock(db, clock)
        return stamp
    }

    /// The hub's clock as last saved, for a batch that stamps many changes
    /// (tick it in memory, then ``saveHubClock(_:_:)`` once).
    static func hubClock(_ db: Database) throws -> HybridLogicalClock {
        let last = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = 'hub_clock'")).flatMap(HLCTimestamp.init)
        return HybridLogicalClock(replica: .hub, resumingAfter: last)
    }

    static func saveHubClock(_ db: Database, _ clock: HybridLogicalClock) throws {
        try db.execute(
            sql: "INSERT INTO settings (key, value) VALUES ('hub_clock', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            arguments: [clock.last.description]
        )
    }
}

/// Settings and policies as last decoded, by their stored bytes.
///
/// Every push reads the hub settings, the store's policy and the erasure
/// flag; decoding them through Foundation each time cost more than the rest
/// of a small push's reads. The bytes are still read in the push's
/// transaction, so a change by another process (`policy set`) is seen at once.
enum DecodedSettings {
    private static let cache = Mutex<[Data: any Sendable]>([:])

    static func decode<T: Decodable & Sendable>(_ type: T.Type, from data: Data) throws -> T {
        // Unwrapped before the cast: a miss cast to an optional `T` would
        // succeed, as nil.
        if let cached = cache.withLock({ $0[data] }), let value = cached as? T { return value }
        let value = try WireCoding.decode(T.self, from: data)
        cache.withLock { cache in
            // Settings are few; anything else (values changing often) must not grow it.
            if cache.count > 64 { cache.removeAll() }
            cache[data] = value
        }
        return value
    }
}
