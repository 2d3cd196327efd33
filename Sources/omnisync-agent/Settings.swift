import ArgumentParser
import OmnisyncCLISupport

struct Settings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the settings the agent reads from the environment and its settings file, and where each comes from.",
        discussion: """
            Flags win over OMNISYNC_AGENT_* variables, which win over the file (--config, $OMNISYNC_AGENT_CONFIG, \
            else /etc/omnisync/agent.json). agent/agent.example.json lists every setting.

            Examples:
              omnisync-agent settings
              omnisync-agent settings --config /etc/omnisync/agent.json --json
            """
    )

    @OptionGroup var agent: AgentOptions
    @Flag(help: "Print JSON: { file, settings: { KEY: { value, from } } }.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-agent") {
            try SettingsReport.print(try await agent.settings(), known: AgentOptions.knownSettings, json: json)
        }
    }
}
