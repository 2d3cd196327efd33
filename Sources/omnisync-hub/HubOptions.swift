import ArgumentParser
import Foundation
import OmnisyncHubKit

/// The options every hub command takes: where the hub's data lives.
struct HubOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "The hub's data directory (default: $OMNISYNC_HUB_DATA_DIR, else /var/lib/omnisync-hub).",
        valueName: "DIR"))
    var dataDirectory: String?

    @Option(help: ArgumentHelp(
        "sqlite:PATH or postgres://... (default: embedded SQLite in the data dir).",
        valueName: "URL"))
    var database: String?

    var directory: HubDataDirectory { HubDataDirectory.resolve(flag: dataDirectory) }

    /// Opens the configured store, creating the data dir for the SQLite default.
    func openStore() async throws(HubError) -> any HubStore {
        let location = try DatabaseLocation.parse(database, directory: directory)
        if case .sqlite = location, database == nil { try directory.create() }
        return try await HubStores.open(location)
    }
}
