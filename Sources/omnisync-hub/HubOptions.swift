import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncHubKit

/// The options every hub command takes: where the hub's data lives, and the
/// settings file that fills in what the flags leave out.
struct HubOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "The hub's data directory (default: the settings' dataDir, $OMNISYNC_HUB_DATA_DIR, else /var/lib/omnisync-hub).",
        valueName: "DIR"))
    var dataDirectory: String?

    @Option(help: ArgumentHelp(
        "sqlite:PATH or postgres://... (default: the settings' database, $OMNISYNC_HUB_DATABASE, else embedded SQLite in the data dir).",
        valueName: "URL"))
    var database: String?

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "JSON settings file (default: $OMNISYNC_HUB_CONFIG, else /etc/omnisync/hub.json if present); flags win over the environment, which wins over the file.",
        valueName: "FILE"))
    var configFile: String?

    /// Every setting the hub reads, with its type (`hub/hub.example.json` shows them all).
    static let knownSettings: [String: SettingsSource.Kind] = [
        "dataDir": .string, "database": .string, "listen": .string,
        "tlsCert": .string, "tlsKey": .string, "tlsHostnames": .strings, "clientCa": .string,
        "requireClientCertificate": .bool, "insecureHttp": .bool,
        "maxConnections": .int, "tlsHandshakeTimeout": .double, "idleTimeout": .double, "recomputeInterval": .double,
        "logLevel": .string,
    ]

    /// The environment and the settings file, checked.
    func settings() async throws(SettingsError) -> SettingsSource {
        try await SettingsSource.load(program: "hub", file: configFile, known: Self.knownSettings)
    }

    func directory(_ settings: SettingsSource) -> HubDataDirectory {
        HubDataDirectory.resolve(flag: dataDirectory ?? settings.string("dataDir"))
    }

    func directory() async throws -> HubDataDirectory {
        directory(try await settings())
    }

    /// Opens the configured store, creating the data dir for the SQLite default.
    func openStore(_ settings: SettingsSource) async throws(HubError) -> any HubStore {
        let database = database ?? settings.string("database")
        let directory = directory(settings)
        let location = try DatabaseLocation.parse(database, directory: directory)
        if case .sqlite = location, database == nil { try directory.create() }
        return try await HubStores.open(location)
    }

    func openStore() async throws -> any HubStore {
        try await openStore(try await settings())
    }
}
