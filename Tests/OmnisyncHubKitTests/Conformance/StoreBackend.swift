import Foundation
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The storage backends the conformance suite runs against: embedded
/// SQLite always, PostgreSQL when the tests have a server
/// (`OMNISYNC_TEST_POSTGRES_URL`; `scripts/test` and CI always start one).
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var available: [StoreBackend] {
        if PostgresScratch.serverURL == nil {
            print("conformance: OMNISYNC_TEST_POSTGRES_URL is not set, PostgreSQL not tested; run scripts/test to test both backends")
            return [.sqlite]
        }
        return allCases
    }

    var testDescription: String { rawValue }

    /// A fresh, empty store of this backend (a new SQLite file, a new PostgreSQL database).
    func open(_ label: String) async throws -> ConformingStore {
        switch self {
        case .sqlite:
            let directory = try TemporaryDirectory("conformance-\(label)")
            return ConformingStore(store: try SQLiteHubStore(path: directory.appending("hub.sqlite")), directory: directory)
        case .postgres:
            return ConformingStore(store: try await PostgresHubStore(url: try await PostgresScratch.database(label)), directory: nil)
        }
    }
}

/// The features every backend implements (grows to ``HubStore`` as the
/// PostgreSQL backend does).
typealias ConformanceFeatures = TerminalStore & SettingsStore & SyncStore & CustomerStore

struct ConformingStore: Sendable {
    let store: any ConformanceFeatures
    let directory: TemporaryDirectory?

    func remove() { directory?.remove() }
}
