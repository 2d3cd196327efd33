import Foundation
import GRDB
import OmnisyncCore
import OmnisyncTestSupport
import Testing

/// Sync over a network that delays, refuses and cuts connections mid-request
/// and mid-response still converges to every entry stored exactly once.
@Suite(.serialized) struct FaultyNetworkTests {
    @Test func syncThroughAFaultyNetworkConvergesToExactlyOnce() async throws {
        let scratch = try TemporaryDirectory("e2e-faults")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hub = try await HubProcess.start(dataDirectory: scratch.appending("hub"))
        let proxy = try FaultProxy(upstreamPort: hub.port)
        defer { proxy.stop() }
        let token = try await cli.register("T-1", store: "S-1", hubDirectory: hub.dataDirectory)
        let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent"))
        let initialised = try await agent.run(
            "init", "--hub", "https://127.0.0.1:\(proxy.port)", "--terminal", "T-1", "--store", "S-1", "--token", token, "--ca-file", hub.caFile
        )
        #expect(initialised.status == 0)

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
                try Data.fetchAll(db, sql: "SELECT state FROM customers").map { try WireCoding.decode(ProfileState.self, from: $0).pointsEarned }.reduce(0, +)
            )
        }
        #expect(ids == acknowledged, "the hub's entries differ from those recorded, in order, once each")
        #expect(points == Int64(acknowledged.count), "points were doubled or lost")
    }
}
