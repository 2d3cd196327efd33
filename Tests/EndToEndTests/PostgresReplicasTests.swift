import Foundation
import OmnisyncTestSupport
import PostgresNIO
import Logging
import Testing

/// A large chain's set-up: two `omnisync-hub serve` replicas on one
/// PostgreSQL database behind a round-robin balancer; four terminals in two
/// stores edit one customer offline at once and sync concurrently, each
/// round reaching either replica. Every terminal and the hub end with the
/// same customer, and every entry is stored exactly once.
@Suite(.enabled(if: PostgresScratch.serverURL != nil, "needs the test PostgreSQL server (scripts/test starts one)"))
struct PostgresReplicasTests {
    @Test func twoReplicasOnOneDatabaseConvergeAndStoreEveryEntryOnce() async throws {
        let scratch = try TemporaryDirectory("e2e-replicas")
        defer { scratch.remove() }
        let database = try await PostgresScratch.database("replicas")
        let cli = try CommandLine()
        let directory = scratch.appending("hub")
        // The second replica starts with the first one's TLS material and admin token, as replicas share them.
        let first = try await HubProcess.start(dataDirectory: directory, extraArguments: ["--database", database])
        let second = try await HubProcess.start(dataDirectory: directory, extraArguments: ["--database", database])
        let balancer = try FaultProxy.balancer(across: [first.port, second.port])
        defer { balancer.stop() }

        let terminals = [("T-1", "S-1"), ("T-2", "S-1"), ("T-3", "S-2"), ("T-4", "S-2")]
        var agents: [AgentCLI] = []
        for (terminal, store) in terminals {
            let added = try cli.json(try await cli.hub("terminals", "add", terminal, "--store", store, "--data-dir", directory, "--database", database, "--json"))
            let token = try #require(added["token"] as? String)
            let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent-\(terminal)"))
            let result = try await agent.run(
                "init", "--hub", "https://127.0.0.1:\(balancer.port)", "--terminal", terminal, "--store", store, "--token", token, "--ca-file", first.caFile
            )
            #expect(result.status == 0, "init failed: \(result.stderr)")
            agents.append(agent)
        }

        // Offline everywhere: each till sells to the same card (enrolling it if new to the till) and edits the profile.
        let card = "66660001"
        var sales = 0
        for (index, agent) in agents.enumerated() {
            for _ in 0..<3 {
                _ = try await agent.record("sale", #"{"card":"\#(card)","lines":[{"sku":"SKU-\#(index)","quantity":1,"unitPrice":{"amount":1000,"currency":"EUR"}}],"total":{"amount":1000,"currency":"EUR"}}"#)
                sales += 1
            }
            let edit = [
                #"{"card":"\#(card)","set":{"name":"Name from T-\#(index + 1)"},"addTags":["seen-at-t\#(index + 1)"]}"#,
                #"{"card":"\#(card)","set":{"email":"t\#(index + 1)@example.com"},"consent":{"email":"in"}}"#,
                #"{"card":"\#(card)","set":{"phone":"+3361234567\#(index)"},"consent":{"sms":"\#(index == 2 ? "out" : "in")"}}"#,
                #"{"card":"\#(card)","addTags":["vip-event"],"set":{"language":"fr"}}"#,
            ][index]
            _ = try await agent.record("profile", edit)
        }

        // Three rounds of all four syncing at once, each sync a new connection to the next replica.
        for _ in 0..<3 {
            try await withThrowingTaskGroup(of: (String, Int32, String).self) { group in
                for agent in agents {
                    group.addTask {
                        let result = try await agent.run("sync")
                        return (agent.dataDirectory, result.status, result.stderr)
                    }
                }
                for try await (agent, status, stderr) in group {
                    #expect(status == 0, "\(agent): sync failed: \(stderr)")
                }
            }
        }
        // Both replicas took pushes.
        #expect(first.log().contains("push stored") && second.log().contains("push stored"), "one replica served no push")

        let atHub = try cli.json(try await cli.hub("customers", "show", "--card", card, "--json", "--reveal", "--data-dir", directory, "--database", database))
        let expected = try atHub.canonical(removing: "activity")
        let activity = try #require(atHub["activity"] as? [String: Any])
        #expect(activity["orders"] as? Int == sales, "every sale counted once: \(activity)")
        let points = try #require(atHub["points"] as? [String: Any])
        #expect(points["earned"] as? Int == sales * 10)
        #expect(Set(atHub["tags"] as? [String] ?? []).isSuperset(of: ["seen-at-t1", "vip-event"]))
        // A concurrent opt-out beats the opt-ins.
        #expect((atHub["consent"] as? [String: Any])?["sms"] as? String == "out")
        for agent in agents {
            let local = try cli.json(try await agent.run("customers", "show", "--card", card, "--json", "--reveal", "--offline"))
            #expect(try local.canonical() == expected, "\(agent.dataDirectory) disagrees with the hub")
            #expect(try await agent.status()["pending"] as? Int == 0)
        }

        // Exactly once: each terminal's entries 1...n stored once, the sales as facts once.
        let connection = try await PostgresScratch.connect(database)
        let logger = Logger(label: "replicas-test")
        let entries = try await connection.query(
            "SELECT terminal, COUNT(*), MIN(seq), MAX(seq) FROM entries GROUP BY terminal ORDER BY terminal", logger: logger
        ).collect().map { try $0.decode((String, Int64, Int64, Int64).self) }
        #expect(entries.map(\.0) == ["T-1", "T-2", "T-3", "T-4"])
        #expect(entries.allSatisfy { $0.1 == 4 && $0.2 == 1 && $0.3 == 4 }, "\(entries)")
        let facts = try await connection.query("SELECT COUNT(*) FROM orders", logger: logger).collect()[0].decode(Int64.self)
        #expect(facts == Int64(sales))
        try await connection.close()
        await first.stop()
        await second.stop()
    }
}
