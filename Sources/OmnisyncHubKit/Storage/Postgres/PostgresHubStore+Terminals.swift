public import Foundation
public import OmnisyncCore
import PostgresNIO

/// Terminals and their tokens.
extension PostgresHubStore: TerminalStore {
    public func addTerminal(_ id: TerminalID, store: StoreID, tokenHash: String, at: Date) async throws(HubError) -> TerminalRecord {
        try await transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO terminals (id, store, token_hash, created_at_ms) VALUES (\(id.rawValue), \(store.rawValue), \(tokenHash), \(at.millis))
                ON CONFLICT (id) DO NOTHING RETURNING \(unescaped: Self.terminalColumns)
                """,
                logger: logger
            ).collect()
            guard let row = inserted.first else {
                throw HubError(.terminalExists, "terminal \(id) is already registered; revoke it and register the replacement under a new id")
            }
            return try Self.terminal(row)
        }
    }

    public func terminals() async throws(HubError) -> [TerminalRecord] {
        try await read { connection in
            try await connection.query("SELECT \(unescaped: Self.terminalColumns) FROM terminals ORDER BY id", logger: logger)
                .collect().map(Self.terminal)
        }
    }

    public func revokeTerminal(_ id: TerminalID, at: Date) async throws(HubError) -> TerminalRecord {
        try await transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE terminals SET revoked_at_ms = COALESCE(revoked_at_ms, \(at.millis)) WHERE id = \(id.rawValue)
                RETURNING \(unescaped: Self.terminalColumns)
                """,
                logger: logger
            ).collect()
            guard let row = rows.first else {
                throw HubError(.unknownTerminal, "no terminal \(id) is registered (see `omnisync-hub terminals list`)")
            }
            return try Self.terminal(row)
        }
    }

    public func rotateToken(_ id: TerminalID, tokenHash: String) async throws(HubError) -> TerminalRecord {
        try await transaction { connection in
            guard let current = try await Self.terminal(connection, id: id, lock: true, logger: logger) else {
                throw HubError(.unknownTerminal, "no terminal \(id) is registered (see `omnisync-hub terminals list`)")
            }
            guard !current.isRevoked else {
                throw HubError(.terminalRevoked, "terminal \(id) is revoked and stays so; register the device under a new id")
            }
            let rows = try await connection.query(
                "UPDATE terminals SET token_hash = \(tokenHash) WHERE id = \(id.rawValue) RETURNING \(unescaped: Self.terminalColumns)",
                logger: logger
            ).collect()
            return try Self.terminal(rows[0])
        }
    }

    public func terminal(tokenHash: String) async throws(HubError) -> TerminalRecord? {
        try await read { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.terminalColumns) FROM terminals WHERE token_hash = \(tokenHash)", logger: logger
            ).collect().first.map(Self.terminal)
        }
    }

    // MARK: Rows

    static let terminalColumns =
        """
        id, store, token_hash, created_at_ms, revoked_at_ms, acknowledged_seq, last_contact_ms, reported_backlog, clock_skew_ms,
        price_list_version, price_list_since_ms
        """

    static func terminal(_ connection: PostgresConnection, id: TerminalID, lock: Bool, logger: Logger) async throws -> TerminalRecord? {
        try await connection.query(
            "SELECT \(unescaped: terminalColumns) FROM terminals WHERE id = \(id.rawValue)\(unescaped: lock ? " FOR UPDATE" : "")",
            logger: logger
        ).collect().first.map(terminal)
    }

    static func terminal(_ row: PostgresRow) throws -> TerminalRecord {
        let (id, store, tokenHash, created, revoked, acknowledged, contact, backlog, skew, priceVersion, priceSince) = try row.decode(
            (String, String, String, Int64, Int64?, Int64, Int64?, Int64, Int64?, Int64?, Int64?).self
        )
        return TerminalRecord(
            id: try TerminalID(validating: id),
            store: try StoreID(validating: store),
            createdAt: Date(millis: created)!,
            revokedAt: Date(millis: revoked),
            acknowledgedSeq: acknowledged,
            lastContact: Date(millis: contact),
            reportedBacklog: backlog,
            clockSkewSeconds: skew.map { Double($0) / 1000 },
            tokenHash: tokenHash,
            priceListVersion: priceVersion,
            priceListSince: Date(millis: priceSince)
        )
    }

    static func recordContact(_ connection: PostgresConnection, terminal: TerminalID, _ contact: TerminalContact, logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE terminals SET last_contact_ms = \(contact.receivedAt.millis), clock_skew_ms = COALESCE(\(contact.skewMillis), clock_skew_ms)
            WHERE id = \(terminal.rawValue)
            """,
            logger: logger
        )
    }
}
