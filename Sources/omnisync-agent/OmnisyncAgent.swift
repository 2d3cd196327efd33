import ArgumentParser
import OmnisyncCLISupport

/// `omnisync-agent`: the terminal half of Omnisync.
@main
struct OmnisyncAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "omnisync-agent",
        abstract: "The Omnisync agent: records sales and loyalty scans durably, offline or not, and syncs with the hub.",
        discussion: """
            Every command takes --data-dir (default: $OMNISYNC_AGENT_DATA_DIR, else /var/lib/omnisync-agent) and works \
            while `run` is running.
            Exit codes: 0 success, 1 failure (one line on standard error), 2 usage error, 3 hub unreachable (sync).

            Examples:
              omnisync-agent init --hub https://hub.example:8443 --terminal T-0001 --store PARIS-01 --token ost_... --ca-file ca.pem
              omnisync-agent record sale --json-file sale.json
              omnisync-agent status
            """,
        subcommands: [Init.self, Record.self, Run.self, Sync.self, Status.self, Customers.self, Verify.self, Settings.self, Prices.self]
    )

    /// Usage errors exit with 2, as the command-line contract says.
    static func main() async {
        await CommandLineRunner.main(Self.self)
    }
}
