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
            let row = TerminalRow(id: id, store: store, tokenHash: tokenHash, createdAt: at)
            try row.insert(db)
            return try row.record
        }
    }

    public func terminals() async throws(HubError) -> [TerminalRecord] {
        try await read { db in
            try TerminalRow.order(Column("id")).fetchAll(db).map { try $0.record }
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
            try TerminalRow.filter(Column("token_hash") == tokenHash).fetchOne(db)?.record
        }
    }

    static func terminal(_ db: Database, id: TerminalID) throws -> TerminalRecord? {
        try TerminalRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM terminals WHERE id = ?"), arguments: [id.rawValue])?.record
    }

    static func recordContact(_ db: Database, terminal: TerminalID, _ contact: TerminalContact) throws {
        try db.run(
            sql: "UPDATE terminals SET last_contact_ms = ?, clock_skew_ms = COALESCE(?, clock_skew_ms) WHERE id = ?",
            arguments: [contact.receivedAt.millis, contact.skewMillis, terminal.rawValue]
        )
    }
}
