public import Foundation
public import OmnisyncCore
import PostgresNIO

/// Loyalty policies, hub settings and the hub's own clock.
extension PostgresHubStore: SettingsStore {
    public func policy(for store: StoreID) async throws(HubError) -> LoyaltyPolicy {
        try await read { connection in try await Self.policy(connection, store: store, logger: logger) }
    }

    public func policies() async throws(HubError) -> (chain: LoyaltyPolicy, stores: [StoreID: LoyaltyPolicy]) {
        try await snapshot { connection in
            var stores: [StoreID: LoyaltyPolicy] = [:]
            for try await (store, policy) in try await connection.query("SELECT store, policy FROM store_policies", logger: logger)
                .decode((String, Data).self)
            {
                stores[try StoreID(validating: store)] = try DecodedSettings.decode(LoyaltyPolicy.self, from: policy)
            }
            let chain = try await Self.setting(connection, "loyalty_policy", default: LoyaltyPolicy.default, logger: logger)
            return (chain, stores)
        }
    }

    public func setPolicy(_ policy: LoyaltyPolicy, for store: StoreID?) async throws(HubError) {
        try await transaction { connection in
            if let store {
                try await connection.query(
                    """
                    INSERT INTO store_policies (store, policy) VALUES (\(store.rawValue), \(try WireCoding.encode(policy)))
                    ON CONFLICT (store) DO UPDATE SET policy = excluded.policy
                    """,
                    logger: logger
                )
            } else {
                try await Self.setSetting(connection, "loyalty_policy", policy, logger: logger)
            }
        }
    }

    public func settings() async throws(HubError) -> HubSettings {
        try await read { connection in try await Self.setting(connection, "hub_settings", default: HubSettings.default, logger: logger) }
    }

    public func setSettings(_ settings: HubSettings) async throws(HubError) {
        try await transaction { connection in
            let before = try await Self.setting(connection, "hub_settings", default: HubSettings.default, lock: true, logger: logger)
            try await Self.setSetting(connection, "hub_settings", settings, logger: logger)
            if before.phoneCountryCode != settings.phoneCountryCode {
                try await PostgresContactRows.reindexAll(connection, logger: logger)
            }
        }
    }

    // MARK: Rows

    static func policy(_ connection: PostgresConnection, store: StoreID, logger: Logger) async throws -> LoyaltyPolicy {
        let rows = try await connection.query("SELECT policy FROM store_policies WHERE store = \(store.rawValue)", logger: logger).collect()
        if let row = rows.first { return try DecodedSettings.decode(LoyaltyPolicy.self, from: try row.decode(Data.self)) }
        return try await setting(connection, "loyalty_policy", default: LoyaltyPolicy.default, logger: logger)
    }

    /// A setting's value, or `value` when it was never set; with `lock`, the
    /// row is locked until the transaction ends (a read-modify-write).
    static func setting<T: Decodable & Sendable>(
        _ connection: PostgresConnection, _ key: String, default value: T, lock: Bool = false, logger: Logger
    ) async throws -> T {
        let rows = try await connection.query(
            "SELECT value FROM settings WHERE key = \(key)\(unescaped: lock ? " FOR UPDATE" : "")", logger: logger
        ).collect()
        guard let row = rows.first else { return value }
        return try DecodedSettings.decode(T.self, from: try row.decode(Data.self))
    }

    static func setSetting(_ connection: PostgresConnection, _ key: String, _ value: some Encodable, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO settings (key, value) VALUES (\(key), \(try WireCoding.encode(value)))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """,
            logger: logger
        )
    }

    /// The hub's clock as last saved, locked until the transaction ends: two
    /// replicas stamping at once take turns, so no stamp is issued twice.
    static func hubClock(_ connection: PostgresConnection, logger: Logger) async throws -> HybridLogicalClock {
        let rows = try await connection.query("SELECT value FROM settings WHERE key = 'hub_clock' FOR UPDATE", logger: logger).collect()
        let last = try rows.first.flatMap { String(decoding: try $0.decode(Data.self), as: UTF8.self) }.flatMap(HLCTimestamp.init)
        return HybridLogicalClock(replica: .hub, resumingAfter: last)
    }

    /// One hub stamp, ticked and saved in a transaction of its own, so the
    /// clock's row is locked only for that moment. A stamp reserved and not
    /// used leaves a gap, which clocks allow.
    func reserveHubStamp(at now: Date) async throws(HubError) -> HLCTimestamp {
        try await transaction { connection in
            var clock = try await Self.hubClock(connection, logger: logger)
            let stamp = clock.tick(wallMillis: now.millis)
            try await Self.saveHubClock(connection, clock, logger: logger)
            return stamp
        }
    }

    static func saveHubClock(_ connection: PostgresConnection, _ clock: HybridLogicalClock, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO settings (key, value) VALUES ('hub_clock', \(Data(clock.last.description.utf8)))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """,
            logger: logger
        )
    }
}
