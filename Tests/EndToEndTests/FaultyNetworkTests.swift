import Foundation
import GRDB
import OmnisyncCore
import OmnisyncTestSupport
import Testing

/// Sync over a network that delays, refuses and cuts connections mid-request
/// and mid-response still converges to every entry stored exactly once.
@Suite(.serialized, .timeLimit(.minutes(5))) struct FaultyNetworkTests {
    /// A hub, a fault proxy in front of it, and terminal T-1 syncing through the proxy.
    func agentBehindProxy(in scratch: TemporaryDirectory, faults: [FaultProxy.Fault]) async throws -> (HubProcess, FaultProxy, AgentCLI) {
        let cli = try CommandLine()
        let hub = try await HubProcess.start(dataDirectory: scratch.appending("hub"))
        let proxy = try FaultProxy(upstreamPort: hub.port, faults: faults)
        let token = try await cli.register("T-1", store: "S-1", hubDirectory: hub.dataDirectory)
        let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent"))
        let initialised = try await agent.run(
            "init", "--hub", "https://127.0.0.1:\(proxy.port)", "--terminal", "T-1", "--store", "S-1", "--token", token, "--ca-file", hub.caFile
        )
        #expect(initialised.status == 0, "\(initialised.stderr)")
        return (hub, proxy, agent)
    }

    @Test func syncThroughAFaultyNetworkConvergesToExactlyOnce() async throws {
        let scratch = try TemporaryDirectory("e2e-faults")
        defer { scratch.remove() }
        let (hub, proxy, agent) = try await agentBehindProxy(in: scratch, faults: FaultProxy.Fault.transient)
        defer { proxy.stop() }

        var acknowledged: [String] = []
        var failures: [Int32: Int] = [:]
        for round in 0..<40 {
            for index in 0..<3 {
                let sale = #"{"card":"2718\#(round % 5)281","lines":[{"sku":"E","quantity":1,"unitPrice":{"amount":100,"currency":"EUR"}}],"total":{"amount":100,"currency":"EUR"},"receipt":"R\#(round)-\#(index)"}"#
                acknowledged.append(try #require(try await agent.record("sale", sale)["id"] as? String))
            }
            let synced = try await agent.run("sync")
            if synced.status != 0 {
                failures[synced.status, default: 0] += 1
                // A network fault is "unreachable" (3), never blamed on the certificate.
                #expect(synced.status == 3, "unexpected exit \(synced.status): \(synced.stderr)")
                #expect(!synced.stderr.contains("certificate"), "\(synced.stderr)")
            }
        }
        // Until the network lets a whole round through (push and pull).
        var attempts = 0
        while true {
            attempts += 1
            if try await agent.run("sync").status == 0 { break }
            try #require(attempts < 100, "the agent never caught up through the faulty network")
        }
        #expect(try await agent.status()["pending"] as? Int == 0)
        print("faulty network: \(proxy.drawn) connections, failed syncs by exit code \(failures), \(attempts) more to finish")
        #expect((proxy.drawn[.cutResponse] ?? 0) > 0 && (proxy.drawn[.cutRequest] ?? 0) > 0, "the faults were not exercised")
        let status = try await agent.status()
        #expect(status["lastError"] is NSNull)
        await hub.stop()

        let database = try DatabaseQueue(path: hub.dataDirectory + "/hub.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
        let (ids, points) = try await database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT id FROM entries ORDER BY seq"),
                try Data.fetchAll(db, sql: "SELECT state FROM customers").map { try ProfileState(compactBytes: [UInt8]($0)).pointsEarned }.reduce(0, +)
            )
        }
        #expect(ids == acknowledged, "the hub's entries differ from those recorded, in order, once each")
        #expect(points == Int64(acknowledged.count), "points were doubled or lost")
    }

    /// A hub (or a middlebox) that accepts the connection and never answers
    /// cannot hold a sync: the connect limit and the whole-request limit each
    /// end it, as "hub unreachable", and the entry waits for the next round.
    @Test func aBlackHoleIsEndedByTheConnectAndTheRequestTimeLimits() async throws {
        let scratch = try TemporaryDirectory("e2e-blackhole")
        defer { scratch.remove() }
        let (hub, proxy, agent) = try await agentBehindProxy(in: scratch, faults: [.stall])
        defer { proxy.stop() }
        _ = try await agent.record("scan", #"{"card":"55556666"}"#)

        // The TLS handshake never completes: the connect limit ends it...
        let connect = try await agent.run("sync", "--connect-timeout", "1", "--request-timeout", "600")
        #expect(connect.status == 3, "\(connect.stderr)")
        #expect(connect.stderr.contains("hub unreachable: no answer within the time limit"), "\(connect.stderr)")
        // ...and the whole-request limit ends it even when connecting may take longer.
        let total = try await agent.run("sync", "--connect-timeout", "600", "--request-timeout", "1")
        #expect(total.status == 3, "\(total.stderr)")
        #expect(total.stderr.contains("hub unreachable: no answer within the time limit"), "\(total.stderr)")
        #expect(proxy.drawn[.stall] == 2)
        let status = try await agent.status()
        #expect(status["pending"] as? Int == 1)
        #expect((status["lastError"] as? String)?.contains("no answer within the time limit") == true)

        let zero = try await agent.run("sync", "--request-timeout", "0")
        #expect(zero.status == 2 && zero.stderr.contains("--request-timeout must be from 1 to 3600 seconds"), "\(zero.stderr)")
        await hub.stop()
    }
}
