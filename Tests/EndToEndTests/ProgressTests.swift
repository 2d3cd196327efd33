import Foundation
import OmnisyncTestSupport
import Testing

/// Long commands show progress on standard error: a redrawn bar on a
/// terminal, plain lines otherwise, nothing at all for a command that ends
/// before its first plain line is due; standard output keeps only the result.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ProgressTests {
    @Test func syncShowsABarOnATerminalAndPlainLinesElsewhere() async throws {
        let scratch = try TemporaryDirectory("e2e-progress")
        defer { scratch.remove() }
        var cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        for index in 0..<3 {
            _ = try await agent.record("sale", LocalAPITests.sale(card: "P000\(index)"))
        }
        // Not a terminal, and quick: no progress noise at all.
        var quiet = try await agent.run("sync")
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")

        // Plain lines (what a log or a pipe gets), every update for the test's sake.
        _ = try await agent.record("sale", LocalAPITests.sale(card: "P0009"))
        cli.environment = ["OMNISYNC_PROGRESS": "plain", "OMNISYNC_PROGRESS_INTERVAL": "0"]
        let plainAgent = AgentCLI(commandLine: cli, dataDirectory: agent.dataDirectory)
        let plain = try await plainAgent.run("sync")
        #expect(plain.status == 0)
        #expect(plain.stderr.contains("pushing 100% 1/1 entries acknowledged"), "\(plain.stderr)")
        #expect(!plain.stderr.contains("\r"), "plain lines, no redrawing")
        #expect(plain.stdout.hasPrefix("synced: 1 entries pushed"), "the result alone on standard output")

        // A terminal gets one redrawn line with a bar, cleared before the result.
        _ = try await plainAgent.record("sale", LocalAPITests.sale(card: "P0010"))
        cli.environment = ["OMNISYNC_PROGRESS": "bar"]
        let bar = try await AgentCLI(commandLine: cli, dataDirectory: agent.dataDirectory).run("sync")
        #expect(bar.status == 0)
        #expect(bar.stderr.contains("\r\u{1B}[Kpushing [####################] 100% 1/1 entries acknowledged"), "\(bar.stderr.debugDescription)")
        #expect(bar.stderr.hasSuffix("\r\u{1B}[K"), "the line is cleared at the end")

        // A step that cannot be counted shows its elapsed time.
        cli.environment = ["OMNISYNC_PROGRESS": "plain", "OMNISYNC_PROGRESS_INTERVAL": "0"]
        let recompute = try await cli.hub("recompute", "--data-dir", hub.dataDirectory)
        #expect(recompute.status == 0)
        #expect(recompute.stderr.contains("scoring customers… 0 s"), "\(recompute.stderr)")
        quiet = try await CommandLine().hub("recompute", "--data-dir", hub.dataDirectory)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        await hub.stop()
    }
}
