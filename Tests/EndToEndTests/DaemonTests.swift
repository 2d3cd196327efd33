import Foundation
import OmnisyncTestSupport
import Testing

/// `omnisync-agent run`: syncs on its own, lets `record` write next to it, and
/// stops gracefully on SIGTERM.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DaemonTests {
    @Test func theDaemonSyncsEntriesRecordedNextToItAndStopsCleanlyOnSIGTERM() async throws {
        let scratch = try TemporaryDirectory("e2e-daemon")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        _ = try await agent.record("scan", #"{"card":"12345678"}"#)
        _ = try await agent.record("scan", #"{"card":"87654321"}"#)

        let daemon = try BackgroundProcess(
            cli.agentExecutable, ["run", "--interval", "1", "--data-dir", agent.dataDirectory],
            logPath: scratch.appending("daemon.log")
        )
        _ = try await daemon.waitForLine(containing: "acknowledgedSeq=2")
        // `record` works while the daemon holds the same database.
        _ = try await agent.record("scan", #"{"card":"12345678"}"#)
        _ = try await daemon.waitForLine(containing: "acknowledgedSeq=3")

        #expect(await daemon.stop() == 0)
        #expect(daemon.transcript.contains("sync loop stopped"))
        let status = try await agent.status()
        #expect(status["pending"] as? Int == 0)
        let hubStatus = try cli.json(try await cli.hub("status", "--json", "--data-dir", hub.dataDirectory))
        #expect((hubStatus["terminals"] as? [[String: Any]])?.first?["acknowledgedSeq"] as? Int == 3)
        await hub.stop()
    }
}
