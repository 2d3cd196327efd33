import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Replicas starting at once on a new database migrate it once, and both work.
@Suite(.enabled(if: PostgresScratch.serverURL != nil, "needs the test PostgreSQL server (scripts/test starts one)"))
struct PostgresMigrationTests {
    @Test func replicasStartingTogetherMigrateOnce() async throws {
        let url = try await PostgresScratch.database("migrate")
        async let first = PostgresHubStore(url: url)
        async let second = PostgresHubStore(url: url)
        async let third = PostgresHubStore(url: url)
        let stores = try await [first, second, third]
        let at = Date(millis: 1_796_000_000_000)!
        // Each replica writes; all see every write.
        for (index, store) in stores.enumerated() {
            _ = try await store.addTerminal(TerminalID(rawValue: "T-\(index)")!, store: StoreID(rawValue: "S-1")!, tokenHash: "h\(index)", at: at)
        }
        for store in stores {
            #expect(try await store.terminals().count == 3)
        }
        // A fourth start finds nothing to do.
        _ = try await PostgresHubStore(url: url)
    }

    @Test func aBadURLSaysWhatIsWrong() async throws {
        for (url, words) in [
            ("postgres://localhost/db", "names no user"),
            ("postgres://hub@localhost/", "names no database"),
            ("postgres://hub@localhost/db?sslmode=sometimes", "sslmode"),
        ] {
            let error = await #expect(throws: HubError.self) { _ = try await PostgresHubStore(url: url) }
            #expect(error?.code == .configuration && error?.message.contains(words) == true, "\(url)")
        }
    }
}
