public import Foundation
import GRDB
public import OmnisyncCore

/// Terminals and their tokens: registration, revocation, token rotation, the
/// contact each push and pull records.
extension SQLiteHubStore {
    public func addTerminal(_ id: TerminalID, store: StoreID, tokenHash: String, at: Date) async throws(HubError) -> TerminalRecord {
        try await write { db in
            if try Self.terminal(db, id: id) != nil {
                throw HubError(.terminalExists, "terminal \(id) is already registered; revoke it and register the replacement under a new id")
            }
            try db.execute(
                sql: "INSERT INTO terminals (id, store, token_hash, created_at_ms) VALUES (?, ?, ?, ?)",
                arguments: [id.rawValue, store.rawValue, tokenHash, at.millis]
            )
            return try Self.terminal(db, id: id)!
        }
    }

    public func terminals() async throws(HubError) -> [TerminalRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM terminals ORDER BY id").map(Self.terminalRecord)
        }
    }

    public func revokeTerminal(_ id: TerminalID, at: Date) async throws(HubError) -> TerminalRecord {
        try await write { db in
            guard try Self.terminal(db, id: id) != nil else {
                throw HubError(.unknownTerminal, "no terminal \(id) is registered (see `omnisync-hub terminals list`)")
            }
            try db.execute(
                sql: "UPDATE terminals SET revoked_at_ms = COALESCE(revoked_at_ms, ?) WHERE id = ?",
                arguments: [at.millis, id.rawValue]
            )
            return try Self.terminal(db, id: id)!
        }
    }

    public func rotateToken(_ id: TerminalID, tokenHash: String) async throws(HubError) -> TerminalRecord {
        try await write { db in
            guard let terminal = try Self.terminal(db, id: id) else {
                throw HubError(.unknownTerminal, "no terminal \(id) is registered (see `omnisync-hub terminals list`)")
            }
            guard !terminal.isRevoked else {
                throw HubError(.terminalRevoked, "terminal \(id) is revoked and stays so; register the device under a new id")
            }
            try db.execute(sql: "UPDATE terminals SET token_hash = ? WHERE id = ?", arguments: [tokenHash, id.rawValue])
            return try Self.terminal(db, id: id)!
        }
    }

    public func terminal(tokenHash: String) async throws(HubError) -> TerminalRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM terminals WHERE token_hash = ?", arguments: [tokenHash]).map(Self.terminalRecord)
        }
    }

    static func terminal(_ db: Database, id: TerminalID) throws -> TerminalRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM terminals WHERE id = ?"), arguments: [id.rawValue]).map(terminalRecord)
    }

    static func terminalRecord(_ row: Row) throws -> TerminalRecord {
        TerminalRecord(
            id: try TerminalID(validating: row["id"]),
            store: try StoreID(validating: row["store"]),
            createdAt: Date(millis: row["created_at_ms"])!,
            revokedAt: Date(millis: row["revoked_at_ms"]),
            acknowledgedSeq: row["acknowledged_seq"],
            lastContact: Date(millis: row["last_contact_ms"]),
            reportedBacklog: row["reported_backlog"],
            clockSkewSeconds: (row["clock_skew_ms"] as Int64?).map { Double($0) / 1000 },
            tokenHash: row["token_hash"]
        )
    }

    static func recordContact(_ db: Database, terminal: TerminalID, _ contact: TerminalContact) throws {
        try db.run(
            sql: "UPDATE terminals SET last_contact_ms = ?, clock_skew_ms = COALESCE(?, clock_skew_ms) WHERE id = ?",
            arguments: [contact.receivedAt.millis, contact.skewMillis, terminal.rawValue]
        )
    }
}
