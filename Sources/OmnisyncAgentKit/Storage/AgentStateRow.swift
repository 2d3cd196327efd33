import Foundation
import GRDB
import OmnisyncCore
import Synchronization

/// The agent's single row of identity and sync bookkeeping.
///
/// It lives in the same database as the journal so that an entry, the clock
/// that stamped it, and the acknowledgement that later covers it are all
/// updated in the same transactions.
struct AgentStateRow: Sendable, Equatable {
    var hub: String
    var terminal: TerminalID
    var store: StoreID
    var pinnedCA: Bool
    var acknowledgedSeq: Int64
    var pullCursor: String?
    var policy: LoyaltyPolicy
    var clock: HLCTimestamp?
    var lastSyncAt: Date?
    var lastAttemptAt: Date?
    var lastError: String?
    var unreachableSince: Date?
    /// The hub's clock minus this terminal's, measured at the last pull.
    var hubClockOffsetMillis: Int64?

    /// The best estimate of true time: the local clock corrected by the hub's.
    func correctedNow(_ local: Date) -> Date {
        Date(millis: local.millis + (hubClockOffsetMillis ?? 0))!
    }

    /// The policy read last, by its stored bytes: the row is read for every
    /// sale, and the policy changes only with a pull.
    private static let lastPolicy = Mutex<(bytes: Data, policy: LoyaltyPolicy)?>(nil)

    private static func decodePolicy(_ bytes: Data) throws -> LoyaltyPolicy {
        if let cached = lastPolicy.withLock({ $0 }), cached.bytes == bytes { return cached.policy }
        let policy = try WireCoding.decode(LoyaltyPolicy.self, from: bytes)
        lastPolicy.withLock { $0 = (bytes, policy) }
        return policy
    }

    static func fetch(_ db: Database) throws -> AgentStateRow {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM agent_state WHERE singleton = 1")) else {
            throw AgentError(.notInitialized, "this data dir has no agent configuration; run `omnisync-agent init`")
        }
        let policyData: Data? = row["policy"]
        return AgentStateRow(
            hub: row["hub"],
            terminal: try TerminalID(validating: row["terminal"]),
            store: try StoreID(validating: row["store"]),
            pinnedCA: row["pinned_ca"],
            acknowledgedSeq: row["acknowledged_seq"],
            pullCursor: row["pull_cursor"],
            policy: try policyData.map(decodePolicy) ?? .default,
            clock: (row["clock"] as String?).flatMap(HLCTimestamp.init),
            lastSyncAt: Date(millis: row["last_sync_at_ms"]),
            lastAttemptAt: Date(millis: row["last_attempt_at_ms"]),
            lastError: row["last_error"],
            unreachableSince: Date(millis: row["unreachable_since_ms"]),
            hubClockOffsetMillis: row["hub_clock_offset_ms"]
        )
    }

    /// Persists only the clock, which every recorded entry advances (the
    /// rest of the row changes at sync and init, not per sale).
    func saveClock(_ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE agent_state SET clock = ? WHERE singleton = 1").execute(arguments: [clock?.description])
    }

    func save(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO agent_state (singleton, hub, terminal, store, pinned_ca, acknowledged_seq, pull_cursor,
                    policy, clock, last_sync_at_ms, last_attempt_at_ms, last_error, unreachable_since_ms, hub_clock_offset_ms)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (singleton) DO UPDATE SET
                    hub = excluded.hub, terminal = excluded.terminal, store = excluded.store,
                    pinned_ca = excluded.pinned_ca, acknowledged_seq = excluded.acknowledged_seq,
                    pull_cursor = excluded.pull_cursor, policy = excluded.policy, clock = excluded.clock,
                    last_sync_at_ms = excluded.last_sync_at_ms, last_attempt_at_ms = excluded.last_attempt_at_ms,
                    last_error = excluded.last_error, unreachable_since_ms = excluded.unreachable_since_ms,
                    hub_clock_offset_ms = excluded.hub_clock_offset_ms
                """,
            arguments: [
                hub, terminal.rawValue, store.rawValue, pinnedCA, acknowledgedSeq, pullCursor,
                try WireCoding.encode(policy), clock?.description, lastSyncAt?.millis, lastAttemptAt?.millis,
                lastError, unreachableSince?.millis, hubClockOffsetMillis,
            ]
        )
    }
}
