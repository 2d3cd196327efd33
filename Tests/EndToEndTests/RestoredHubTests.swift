import Foundation
import OmnisyncTestSupport
import Testing

/// A hub restored from a backup hands out change sequences it had already
/// handed out. Terminals must notice (the cursor's epoch) rather than skip
/// changes, resend what the hub lost without false alarms, and not bring an
/// erased customer back.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RestoredHubTests {
    static func profile(card: String, name: String) -> String {
        #"{"card":"\#(card)","set":{"name":"\#(name)"}}"#
    }

    @Test func terminalsCatchUpWithARestoredHubWithoutSkippingOrFalseAlarms() async throws {
        let scratch = try TemporaryDirectory("e2e-restore")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let front = try FaultProxy.front(for: 0)
        defer { front.stop() }
        let hubDirectory = scratch.appending("hub")
        var hub = try await HubProcess.start(dataDirectory: hubDirectory, front: front)
        let tokenA = try await cli.register("T-A", store: "S-1", hubDirectory: hubDirectory)
        let tokenB = try await cli.register("T-B", store: "S-1", hubDirectory: hubDirectory)
        let a = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("a"))
        let b = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("b"))
        try await a.initialise(hub: hub, terminal: "T-A", store: "S-1", token: tokenA)
        try await b.initialise(hub: hub, terminal: "T-B", store: "S-1", token: tokenB)

        _ = try await a.record("profile", Self.profile(card: "11110001", name: "First"))
        let round1 = try await a.run("sync")
        #expect(round1.status == 0, "a sync: \(round1.stderr)")
        let round2 = try await b.run("sync")
        #expect(round2.status == 0, "b sync: \(round2.stderr)")

        // The nightly backup, taken with the hub stopped.
        await hub.stop()
        let backup = scratch.appending("backup")
        try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: hubDirectory) where file.hasPrefix("hub.sqlite") {
            try FileManager.default.copyItem(atPath: hubDirectory + "/" + file, toPath: backup + "/" + file)
        }
        hub = try await HubProcess.start(dataDirectory: hubDirectory, front: front)

        // A day of business after the backup: a customer enrolled and erased on request, an edit.
        let gone = try #require(try await a.record("profile", Self.profile(card: "22220002", name: "Gone Person"))["customer"] as? String)
        let round3 = try await a.run("sync")
        #expect(round3.status == 0, "a sync: \(round3.stderr)")
        #expect(try await cli.hub("customers", "erase", gone, "--data-dir", hubDirectory).status == 0)
        let erasing = try await a.run("sync")
        #expect(erasing.status == 0, "the erasure reaches the terminal, which redacts its entry: \(erasing.stderr)")
        _ = try await a.record("profile", Self.profile(card: "11110001", name: "Second"))
        let round4 = try await a.run("sync")
        #expect(round4.status == 0, "a sync: \(round4.stderr)")
        let round5 = try await b.run("sync")
        #expect(round5.status == 0, "b sync: \(round5.stderr)")

        // The hub's disk dies; last night's backup is restored.
        await hub.stop()
        for file in try FileManager.default.contentsOfDirectory(atPath: hubDirectory) where file.hasPrefix("hub.sqlite") {
            try FileManager.default.removeItem(atPath: hubDirectory + "/" + file)
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: backup) {
            try FileManager.default.copyItem(atPath: backup + "/" + file, toPath: hubDirectory + "/" + file)
        }
        hub = try await HubProcess.start(dataDirectory: hubDirectory, front: front)

        // Business goes on; the terminal resends what the hub lost.
        _ = try await a.record("profile", Self.profile(card: "11110001", name: "After Restore"))
        let resent = try await a.run("sync")
        #expect(resent.status == 0, "\(resent.stderr)")
        #expect(try await a.status()["pending"] as? Int == 0)

        // The redacted entry is held for an operator, not taken for tampering; nothing after it is.
        let quarantine = try cli.json(try await cli.hub("status", "--json", "--data-dir", hubDirectory))
        #expect(quarantine["quarantined"] as? Int == 1)
        let listed = try await cli.hub("quarantine", "list", "--json", "--data-dir", hubDirectory)
        #expect(listed.stdout.contains("redacted at the terminal"), "\(listed.stdout)")
        #expect(!listed.stdout.contains("hash chain broken"))
        #expect(!listed.stdout.contains("Gone Person"), "the erased customer did not come back")

        // The other terminal's cursor is from the lost history: it starts over instead of skipping.
        let round6 = try await b.run("sync")
        #expect(round6.status == 0, "b sync: \(round6.stderr)")
        let seen = try cli.json(try await b.run("customers", "show", "--card", "11110001", "--json", "--reveal", "--offline"))
        #expect(seen["name"] as? String == "After Restore")
        await hub.stop()
    }
}
