public import Foundation
public import Logging
import NIOCore
public import OmnisyncCore
import PostgresNIO

/// The hub's shared backend: one PostgreSQL database behind any number of
/// stateless hub replicas (`serve --database postgres://...`).
///
/// Every method is one transaction, retried from the start when PostgreSQL
/// aborts it for a conflict with a concurrent one (a serialization failure
/// or a deadlock), so two replicas pushing for the same customer never
/// apply an entry twice nor lose an update: rows are locked (`FOR UPDATE`,
/// in id order) before they are read for a change. Pull cursors never skip
/// a change committed late: see `docs/architecture.md`, "PostgreSQL".
public final class PostgresHubStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Runs the connection pool for the store's lifetime.
    private let runner: Task<Void, Never>

    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`,
    /// `?sslmode=disable|prefer|require`) and migrates the schema; replicas
    /// starting at once migrate one after the other.
    public init(url: String, logger: Logger = Logger(label: "omnisync-hub.postgres")) async throws(HubError) {
        let configuration = try PostgresURL.configuration(url)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        let client = client
        runner = Task { await client.run() }
        do {
            try await PostgresHubMigrations.migrate(self)
        } catch {
            runner.cancel()
            throw error
        }
    }

    deinit { runner.cancel() }

    // MARK: Access

    /// SQLSTATEs after which a transaction is run again from the start: a
    /// serialization failure, a deadlock, and a unique violation (two
    /// replicas creating the same customer or card: the second attempt
    /// finds the row and merges into it).
    private static let retried: Set<String> = ["40001", "40P01", "23505"]
    static let maxAttempts = 8

    /// Runs `body` in one read-write transaction, committed when it returns;
    /// run again from the start when PostgreSQL aborts it for a conflict.
    func transaction<T: Sendable>(
        _ body: (PostgresConnection) async throws -> T
    ) async throws(HubError) -> T {
        var attempt = 1
        while true {
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return value
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch {
                let retry = error is TransactionRetry || Self.sqlState(error).map(Self.retried.contains) == true
                if retry, attempt < Self.maxAttempts {
                    attempt += 1
                    continue
                }
                throw Self.hubError(error)
            }
        }
    }

    /// Runs `body` on one connection outside any explicit transaction (each
    /// statement its own); for reads of one statement.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(HubError) -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw Self.hubError(error)
        }
    }

    /// Runs `body` in a read-only transaction that sees one snapshot.
    func snapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(HubError) -> T {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(connection)
        }
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    static func hubError(_ error: any Error) -> HubError {
        if let error = error as? HubError { return error }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return HubError(.storage, "hub database (PostgreSQL): \(message) [\(error.serverInfo?[.sqlState] ?? "?")]")
            }
            return HubError(.storage, "hub database (PostgreSQL) unreachable or failed: \(String(reflecting: error.code))")
        }
        return HubError(.storage, "hub database (PostgreSQL): \(error)")
    }
}

extension PostgresHubStore: HubStore {}
