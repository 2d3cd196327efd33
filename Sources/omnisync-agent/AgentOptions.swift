import ArgumentParser
import OmnisyncAgentKit
import OmnisyncCLISupport

/// The options every agent command takes: where the agent's data lives, and
/// the settings file that fills in what the flags leave out.
struct AgentOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "The agent's data directory (default: the settings' dataDir, $OMNISYNC_AGENT_DATA_DIR, else /var/lib/omnisync-agent).",
        valueName: "DIR"))
    var dataDirectory: String?

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "JSON settings file (default: $OMNISYNC_AGENT_CONFIG, else /etc/omnisync/agent.json if present); flags win over the environment, which wins over the file.",
        valueName: "FILE"))
    var configFile: String?

    /// Every setting the agent reads, with its type (`agent/agent.example.json` shows them all).
    static let knownSettings: [String: SettingsSource.Kind] = [
        "dataDir": .string, "interval": .int, "listen": .string, "socket": .string, "noSocket": .bool,
        "connectTimeout": .int, "requestTimeout": .int, "logLevel": .string,
    ]

    /// The environment and the settings file, checked.
    func settings() async throws(SettingsError) -> SettingsSource {
        try await SettingsSource.load(program: "agent", file: configFile, known: Self.knownSettings)
    }

    func directory(_ settings: SettingsSource) -> AgentDataDirectory {
        AgentDataDirectory.resolve(flag: dataDirectory ?? settings.string("dataDir"))
    }

    func directory() async throws -> AgentDataDirectory {
        directory(try await settings())
    }

    func open(_ settings: SettingsSource) throws(AgentError) -> Agent { try Agent.open(directory(settings)) }

    func open() async throws -> Agent { try open(try await settings()) }
}

/// Exit code 3 when the hub could not be reached, 1 for any other failure.
func agentExitCode(_ error: any Error) -> Int32 {
    (error as? AgentError)?.code == .hubUnreachable ? 3 : 1
}
