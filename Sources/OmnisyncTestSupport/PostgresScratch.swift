public import Foundation
import Logging
public import PostgresNIO

/// Scratch databases on the PostgreSQL server the tests run against
/// (`OMNISYNC_TEST_POSTGRES_URL`, set by `scripts/with-postgres`, which
/// `scripts/test` and CI use): each test gets a database of its own.
public enum PostgresScratch {
    /// The server's URL, or nil when the tests run without one.
    public static var serverURL: String? {
        ProcessInfo.processInfo.environment["OMNISYNC_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Creates an empty database and returns its URL.
    public static func database(_ label: String) async throws -> String {
        guard let server = serverURL, var components = URLComponents(string: server), let host = components.host else {
            throw ScratchError("OMNISYNC_TEST_POSTGRES_URL is not set: run the tests through scripts/test (or scripts/with-postgres)")
        }
        let name = "t_\(label.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20))_\(UInt32.random(in: 0...UInt32.max))"
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: String(components.path.dropFirst()), tls: .disable
        )
        let logger = Logger(label: "postgres-scratch")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        components.path = "/" + name
        components.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
        return components.string!
    }

    /// A connection of its own to the database at `url`, for a test that
    /// drives transactions by hand.
    public static func connect(_ url: String) async throws -> PostgresConnection {
        guard let components = URLComponents(string: url), let host = components.host else { throw ScratchError("not a database URL: \(url)") }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: String(components.path.dropFirst()), tls: .disable
        )
        return try await PostgresConnection.connect(configuration: configuration, id: Int.random(in: 2...Int(Int32.max)), logger: Logger(label: "postgres-scratch"))
    }

    public struct ScratchError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
