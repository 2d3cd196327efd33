import ArgumentParser
import OmnisyncCLISupport

/// `omnisync-hub`: the head-office half of Omnisync.
@main
struct OmnisyncHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "omnisync-hub",
        abstract: "The Omnisync hub: receives terminal journals, merges customer profiles, shows sync status.",
        discussion: """
            Every command takes --data-dir and --database and works while `serve` runs.
            Exit codes: 0 success, 1 failure (one line on standard error), 2 usage error.

            Examples:
              omnisync-hub serve --data-dir /var/lib/omnisync-hub
              omnisync-hub terminals add T-0001 --store PARIS-01
              omnisync-hub status --json
            """,
        subcommands: [Serve.self, Terminals.self, Certificates.self, Status.self, Customers.self, Conflicts.self, Lookups.self, Review.self, Quarantine.self, Policy.self, Channels.self, Import.self, Products.self, Recompute.self, Segments.self, Dashboard.self, Settings.self, Prices.self, Overrides.self, Campaigns.self, SatisfactionCommand.self, FeedbackCommand.self, InsightCommand.self, Stock.self]
    )

    /// Usage errors exit with 2, as the command-line contract says.
    static func main() async {
        await CommandLineRunner.main(Self.self)
    }
}
