import ArgumentParser
import OmnisyncAgentKit

/// The option every agent command takes: where the agent's data lives.
struct AgentOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp(
        "The agent's data directory (default: $OMNISYNC_AGENT_DATA_DIR, else /var/lib/omnisync-agent).",
        valueName: "DIR"))
    var dataDirectory: String?

    var directory: AgentDataDirectory { AgentDataDirectory.resolve(flag: dataDirectory) }

    func open() throws(AgentError) -> Agent { try Agent.open(directory) }
}

/// Exit code 3 when the hub could not be reached, 1 for any other failure.
func agentExitCode(_ error: any Error) -> Int32 {
    (error as? AgentError)?.code == .hubUnreachable ? 3 : 1
}
