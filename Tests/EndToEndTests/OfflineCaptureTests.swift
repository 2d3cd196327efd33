import Foundation
import OmnisyncTestSupport
import Testing

/// The walking skeleton, end to end with the real executables: terminals keep
/// recording while the hub is down, catch up when it returns, and every
/// replica ends up showing the same customers.
@Suite(.serialized, .timeLimit(.minutes(5))) struct OfflineCaptureTests {
    func sale(card: String, cents: Int, receipt: String) -> String {
        #"{"card":"\#(card)","lines":[{"sku":"SHOE-42","quantity":1,"unitPrice":{"amount":\#(cents),"currency":"EUR"}}],"total":{"amount":\#(cents),"currency":"EUR"},"receipt":"\#(receipt)"}"#
    }

    @Test func entriesRecordedWhileTheHubIsDownReachItAndAllReplicasAgree() async throws {
        let scratch = try TemporaryDirectory("e2e")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hubDirectory = scratch.appending("hub")
        // A stable address for the hub, which restarts on a new port.
        let front = try FaultProxy.front(for: 0)
        defer { front.stop() }
        var hub = try await HubProcess.start(dataDirectory: hubDirectory, front: front)
        #expect(FileManager.default.fileExists(atPath: hub.caFile))

        let tokenA = try await cli.register("T-A", store: "S-1", hubDirectory: hubDirectory)
        let tokenB = try await cli.register("T-B", store: "S-1", hubDirectory: hubDirectory)
        let agentA = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent-a"))
        let agentB = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent-b"))
        try await agentA.initialise(hub: hub, terminal: "T-A", store: "S-1", token: tokenA)
        try await agentB.initialise(hub: hub, terminal: "T-B", store: "S-1", token: tokenB)

        // The hub goes down; both terminals keep selling.
        await hub.stop()
        let jane = try await agentA.record("sale", sale(card: "1111 2222", cents: 5999, receipt: "A-1"))
        #expect(jane["seq"] as? Int == 1)
        _ = try await agentA.record("profile", #"{"card":"11112222","set":{"name":"Jane Doe","email":"jane@example.com"},"addTags":["running"],"consent":{"email":"in"}}"#)
        _ = try await agentA.record("scan", #"{"card":"11112222"}"#)
        let omar = try await agentB.record("sale", sale(card: "3333 4444", cents: 2500, receipt: "B-1"))
        _ = try await agentB.record("profile", #"{"card":"33334444","set":{"language":"ar"},"consent":{"sms":"out"}}"#)

        let offline = try await agentA.run("sync")
        #expect(offline.status == 3)
        #expect(offline.stderr.contains("hub unreachable"))
        let offlineStatus = try await agentA.status()
        #expect(offlineStatus["online"] as? Bool == false)
        #expect(offlineStatus["pending"] as? Int == 3)
        #expect((offlineStatus["lastError"] as? String)?.contains("hub unreachable") == true)
        #expect(offlineStatus["oldestPendingAge"] is Double)

        // The hub returns on the same address; both terminals sync.
        hub = try await HubProcess.start(dataDirectory: hubDirectory, front: front)
        for agent in [agentA, agentB, agentA] {
            let synced = try await agent.run("sync")
            #expect(synced.status == 0, "sync failed: \(synced.stderr)")
        }

        let hubStatus = try cli.json(try await cli.hub("status", "--json", "--data-dir", hubDirectory))
        let terminals = try #require(hubStatus["terminals"] as? [[String: Any]])
        #expect(terminals.map { $0["terminal"] as? String } == ["T-A", "T-B"])
        #expect(terminals.map { $0["acknowledgedSeq"] as? Int } == [3, 2])
        #expect(terminals.allSatisfy { $0["reportedBacklog"] as? Int == 0 && $0["lastContact"] is String })
        #expect(hubStatus["quarantined"] as? Int == 0)
        for agent in [agentA, agentB] {
            let status = try await agent.status()
            #expect(status["pending"] as? Int == 0)
            #expect(status["online"] as? Bool == true)
            #expect(status["lastError"] is NSNull)
        }

        // Every replica prints the same customer for both cards.
        for (card, receipt) in [("11112222", jane), ("33334444", omar)] {
            let atHub = try cli.json(try await cli.hub("customers", "show", "--card", card, "--json", "--reveal", "--data-dir", hubDirectory))
            #expect(atHub["id"] as? String == receipt["customer"] as? String)
            #expect((atHub["activity"] as? [String: Any])?["orders"] as? Int == 1)
            let expected = try atHub.canonical(removing: "activity")
            for agent in [agentA, agentB] {
                let local = try cli.json(try await agent.run("customers", "show", "--card", card, "--json", "--reveal"))
                #expect(try local.canonical() == expected)
            }
        }
        let janeAtHub = try cli.json(try await cli.hub("customers", "show", "--card", "11112222", "--json", "--reveal", "--data-dir", hubDirectory))
        #expect(janeAtHub["name"] as? String == "Jane Doe")
        #expect((janeAtHub["points"] as? [String: Any])?["balance"] as? Int == 59)
        // Her tag from the till, and the hub's for her first purchase.
        #expect(janeAtHub["tags"] as? [String] == ["first-purchase", "running"])
        let masked = try cli.json(try await cli.hub("customers", "show", "--card", "11112222", "--json", "--data-dir", hubDirectory))
        #expect(masked["name"] as? String == "J*** D***")
        #expect(masked["cards"] as? [String] == ["****2222"])

        await hub.stop()
        // Nothing personal reached the hub's log.
        let log = hub.log()
        for secret in ["Jane", "jane@example.com", "11112222", "33334444"] {
            #expect(!log.contains(secret), "the hub log contains \(secret)")
        }
    }

    @Test func anAgentRefusesAHubWhoseCertificateIsNotSignedByThePinnedCA() async throws {
        let scratch = try TemporaryDirectory("e2e-tls")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hub = try await HubProcess.start(dataDirectory: scratch.appending("hub"))
        let impostor = try await HubProcess.start(dataDirectory: scratch.appending("impostor"))
        let token = try await cli.register("T-1", store: "S-1", hubDirectory: hub.dataDirectory)
        let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent"))
        // The agent pins the real hub's CA but is pointed at the impostor.
        let initialised = try await agent.run("init", "--hub", impostor.url, "--terminal", "T-1", "--store", "S-1", "--token", token, "--ca-file", hub.caFile)
        #expect(initialised.status == 0)
        _ = try await agent.record("scan", #"{"card":"12345678"}"#)

        let refused = try await agent.run("sync")
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("hub certificate not trusted"))
        #expect(try await agent.status()["pending"] as? Int == 1)
        await impostor.stop()
        await hub.stop()
    }

    @Test func aRevokedTerminalIsToldSoAndKeepsItsEntries() async throws {
        let scratch = try TemporaryDirectory("e2e-revoke")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        _ = try await agent.record("scan", #"{"card":"12345678"}"#)
        #expect(try await cli.hub("terminals", "revoke", "T-1", "--data-dir", hub.dataDirectory).status == 0)

        let refused = try await agent.run("sync")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("token revoked"))
        let status = try await agent.status()
        #expect(status["pending"] as? Int == 1)
        #expect((status["lastError"] as? String)?.contains("token revoked") == true)
        await hub.stop()
    }

    @Test func aRotatedTokenReplacesTheOldOneAndKeepsTheTerminalsEntries() async throws {
        let scratch = try TemporaryDirectory("e2e-rotate")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        _ = try await agent.record("scan", #"{"card":"12345678"}"#)
        #expect(try await agent.run("sync").status == 0)
        _ = try await agent.record("scan", #"{"card":"12345678"}"#)

        let rotated = try cli.json(try await cli.hub("terminals", "rotate-token", "T-1", "--data-dir", hub.dataDirectory, "--json"))
        let newToken = try #require(rotated["token"] as? String)
        let stale = try await agent.run("sync")
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("token rejected by the hub"), "\(stale.stderr)")

        // Re-running init with the new token keeps the pending entry and the sequence.
        try await agent.initialise(hub: hub, terminal: "T-1", store: "S-1", token: newToken)
        #expect(try await agent.status()["pending"] as? Int == 1)
        #expect(try await agent.run("sync").status == 0)
        let status = try await agent.status()
        #expect(status["pending"] as? Int == 0 && status["acknowledgedSeq"] as? Int == 2)

        // Revocation is final: no new token for a revoked terminal.
        #expect(try await cli.hub("terminals", "revoke", "T-1", "--data-dir", hub.dataDirectory).status == 0)
        let refused = try await cli.hub("terminals", "rotate-token", "T-1", "--data-dir", hub.dataDirectory)
        #expect(refused.status == 1 && refused.stderr.contains("revoked and stays so"), "\(refused.stderr)")
        await hub.stop()
    }
}
