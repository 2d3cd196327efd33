import ArgumentParser
import OmnisyncCLISupport

/// `omnisync-bench`: measures Omnisync next to a baseline run on the same
/// machine in the same invocation (these machines are shared and noisy, so
/// only figures measured side by side are compared). Build it in release mode:
/// `scripts/bench` does.
@main
struct OmnisyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "omnisync-bench",
        abstract: "Benchmarks of Omnisync, each printed with the baseline it is compared against.",
        subcommands: [MergeCommand.self, CaptureCommand.self, CatchUpCommand.self, IngestCommand.self, FootprintCommand.self, HubLoadCommand.self, LocalAPICommand.self, CRMCommand.self, PricesCommand.self, InsightCommand.self]
    )

    /// Usage errors exit with 2, as the command-line contract says.
    static func main() async {
        await CommandLineRunner.main(Self.self)
    }
}
