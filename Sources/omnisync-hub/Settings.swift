import ArgumentParser
import OmnisyncCLISupport

struct Settings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the settings the hub reads from the environment and its settings file, and where each comes from.",
        discussion: """
            Flags win over OMNISYNC_HUB_* variables, which win over the file (--config, $OMNISYNC_HUB_CONFIG, else \
            /etc/omnisync/hub.json). hub/hub.example.json lists every setting. A password in `database` is masked.

            Examples:
              omnisync-hub settings
              omnisync-hub settings --config /etc/omnisync/hub.json --json
            """
    )

    @OptionGroup var hub: HubOptions
    @Flag(help: "Print JSON: { file, settings: { KEY: { value, from } } }.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-hub") {
            try SettingsReport.print(try await hub.settings(), known: HubOptions.knownSettings, json: json)
        }
    }
}
