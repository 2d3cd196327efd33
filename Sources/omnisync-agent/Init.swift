import ArgumentParser
import OmnisyncAgentKit
import OmnisyncCLISupport
import OmnisyncCore

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set up this terminal's data dir to sync with a hub.",
        discussion: """
            Works offline: nothing is sent until the first sync. Refuses while the data dir holds entries the hub \
            has not acknowledged under another terminal id or hub. The data dir and token file are owner-only.

            Examples:
              omnisync-agent init --data-dir /var/lib/omnisync-agent --hub https://hub.example:8443 --terminal T-0001 --store PARIS-01 --token ost_... --ca-file ca.pem
            """
    )

    @OptionGroup var agent: AgentOptions
    @Option(help: ArgumentHelp("The hub's URL.", valueName: "URL")) var hub: String
    @Option(help: "This terminal's id, as registered at the hub.") var terminal: String
    @Option(help: "The store this terminal belongs to.") var store: String
    @Option(help: "The token printed by `omnisync-hub terminals add`.") var token: String
    @Option(name: .customLong("ca-file"), help: ArgumentHelp(
        "PEM CA the hub's certificate must chain to (e.g. the hub's DIR/tls/ca.pem); default: system CAs.",
        valueName: "PEM"))
    var caFile: String?
    @Option(name: .customLong("client-cert"), help: ArgumentHelp(
        "PEM client certificate for a hub that requires one (`omnisync-hub certificates issue`); copied into the data dir.",
        valueName: "PEM"))
    var clientCertificate: String?
    @Option(name: .customLong("client-key"), help: ArgumentHelp(
        "PEM private key of --client-cert; copied owner-only into the data dir.", valueName: "PEM"))
    var clientKey: String?

    func validate() throws {
        guard (clientCertificate == nil) == (clientKey == nil) else {
            throw ValidationError("--client-cert and --client-key go together")
        }
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-agent") {
            let settings = Agent.Settings(
                hub: hub,
                terminal: try TerminalID(validating: terminal),
                store: try StoreID(validating: store),
                token: token,
                caFile: caFile,
                clientCertificateFile: clientCertificate,
                clientKeyFile: clientKey
            )
            let initialised = try Agent.initialize(try await agent.directory(), settings: settings)
            print("terminal \(settings.terminal) (store \(settings.store)) initialised in \(initialised.directory.path)")
            print("hub \(settings.hub)\(caFile == nil ? "" : ", certificate pinned to the given CA")\(clientCertificate == nil ? "" : ", client certificate installed")")
        }
    }
}
