import Foundation
import OmnisyncTestSupport
import Testing

/// The merge engine end to end: three terminals edit the same customers while
/// the hub is down, then sync in shuffled orders; every replica ends with the
/// same customers, and nothing a store did is lost without a trace.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ConvergenceTests {
    @Test func threeOfflineTerminalsEditingTheSameCustomersConverge() async throws {
        let scratch = try TemporaryDirectory("e2e-merge")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hubDirectory = scratch.appending("hub")
        // A stable address for the hub, which restarts on a new port.
        let front = try FaultProxy.front(for: 0)
        defer { front.stop() }
        var hub = try await HubProcess.start(dataDirectory: hubDirectory, front: front)
        #expect(try await cli.hub("policy", "set", "--offline-allowance", "50", "--data-dir", hubDirectory).status == 0)

        var agents: [String: AgentCLI] = [:]
        for (terminal, store) in [("T-A", "S-1"), ("T-B", "S-1"), ("T-C", "S-2")] {
            let token = try await cli.register(terminal, store: store, hubDirectory: hubDirectory)
            let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending(terminal))
            try await agent.initialise(hub: hub, terminal: terminal, store: store, token: token)
            agents[terminal] = agent
        }
        let (a, b, c) = (agents["T-A"]!, agents["T-B"]!, agents["T-C"]!)

        // Store 1 enrols two customers; its other terminal learns them by syncing,
        // the terminal of store 2 by looking their cards up at the hub.
        _ = try await a.record("sale", #"{"card":"11110001","lines":[{"sku":"SHOE","quantity":1,"unitPrice":{"amount":5999,"currency":"EUR"}}],"total":{"amount":5999,"currency":"EUR"}}"#)
        _ = try await a.record("profile", #"{"card":"11110001","set":{"name":"Jane","email":"jane@example.com"},"addTags":["running"]}"#)
        _ = try await a.record("scan", #"{"card":"22220002"}"#)
        for agent in [a, b, c] {
            #expect(try await agent.run("sync").status == 0)
        }
        for card in ["11110001", "22220002"] {
            let found = try await c.run("customers", "show", "--card", card, "--json")
            #expect(found.status == 0, "lookup at the hub failed: \(found.stderr)")
        }

        // The hub goes down; all three terminals edit the same customers.
        await hub.stop()
        let edits: [(AgentCLI, String, String)] = [
            (a, "profile", #"{"card":"11110001","set":{"name":"Jane A"},"addTags":["vip"],"consent":{"email":"in"}}"#),
            (a, "sale", #"{"card":"11110001","lines":[{"sku":"CAP","quantity":1,"unitPrice":{"amount":1000,"currency":"EUR"}}],"total":{"amount":1000,"currency":"EUR"},"pointsRedeemed":50}"#),
            (b, "profile", #"{"card":"11110001","set":{"name":"Jane B","phone":"+33 6 12 34 56 78"},"removeTags":["running"],"consent":{"email":"out"}}"#),
            (b, "sale", #"{"card":"11110001","lines":[{"sku":"SOCK","quantity":1,"unitPrice":{"amount":500,"currency":"EUR"}}],"total":{"amount":500,"currency":"EUR"},"pointsRedeemed":50}"#),
            (c, "profile", #"{"card":"11110001","set":{"language":"fr"},"addTags":["running"]}"#),
            (c, "sale", #"{"card":"11110001","lines":[{"sku":"BAG","quantity":1,"unitPrice":{"amount":2000,"currency":"EUR"}}],"total":{"amount":2000,"currency":"EUR"}}"#),
            (c, "profile", #"{"card":"22220002","set":{"name":"Omar"},"consent":{"sms":"in"}}"#),
            (a, "profile", #"{"card":"22220002","set":{"email":"omar@example.com"}}"#),
        ]
        for (agent, kind, json) in edits {
            _ = try await agent.record(kind, json)
        }

        // The hub returns; the terminals sync twice, each time in a random order.
        hub = try await HubProcess.start(dataDirectory: hubDirectory, front: front)
        var orders: [[String]] = []
        var random = TestSeed.generator("sync orders")
        for _ in 0..<2 {
            let order = ["T-A", "T-B", "T-C"].shuffled(using: &random)
            orders.append(order)
            for terminal in order {
                let synced = try await agents[terminal]!.run("sync")
                #expect(synced.status == 0, "sync of \(terminal) failed: \(synced.stderr)")
            }
        }

        for card in ["11110001", "22220002"] {
            let atHub = try cli.json(try await cli.hub("customers", "show", "--card", card, "--json", "--reveal", "--data-dir", hubDirectory))
            let expected = try atHub.canonical(removing: "activity")
            for (terminal, agent) in agents.sorted(by: { $0.key < $1.key }) {
                let local = try cli.json(try await agent.run("customers", "show", "--card", card, "--json", "--reveal", "--offline"))
                #expect(try local.canonical() == expected, "\(terminal) disagrees with the hub on card \(card) after sync orders \(orders)")
            }
        }

        // What the merge rules decided, at the hub.
        let jane = try cli.json(try await cli.hub("customers", "show", "--card", "11110001", "--json", "--reveal", "--data-dir", hubDirectory))
        #expect(["Jane A", "Jane B"].contains(jane["name"] as? String ?? ""))
        #expect(jane["phone"] as? String == "+33612345678")
        #expect(jane["language"] as? String == "fr")
        // (`first-purchase` is the hub's own tag for her first sale.)
        #expect(Set(jane["tags"] as? [String] ?? []) == ["running", "vip", "first-purchase"], "a tag added concurrently with its removal must survive")
        #expect((jane["consent"] as? [String: Any])?["email"] as? String == "out", "a concurrent opt-out beats an opt-in")
        // Both stores spent 50 of the same 59 points: both recorded, the same balance everywhere.
        #expect((jane["points"] as? [String: Any])?["balance"] as? Int == 59 + 10 + 5 + 20 - 100)
        #expect((jane["points"] as? [String: Any])?["redeemed"] as? Int == 100)
        let omar = try cli.json(try await cli.hub("customers", "show", "--card", "22220002", "--json", "--reveal", "--data-dir", hubDirectory))
        #expect(omar["name"] as? String == "Omar" && omar["email"] as? String == "omar@example.com")

        // The lost name and the overridden opt-in are in the conflict log; the
        // double redemption is waiting for review.
        let conflicts = try #require(try JSONSerialization.jsonObject(with: Data(try await cli.hub("conflicts", "--json", "--reveal", "--data-dir", hubDirectory).stdout.utf8)) as? [[String: Any]])
        let fields = Set(conflicts.compactMap { $0["field"] as? String })
        #expect(fields == ["name", "consent.email", "points"])
        let lostName = conflicts.first { $0["field"] as? String == "name" }?["lost"] as? String
        #expect(["Jane A", "Jane B"].contains(lostName ?? "") && lostName != jane["name"] as? String)
        let review = try #require(try JSONSerialization.jsonObject(with: Data(try await cli.hub("review", "list", "--json", "--data-dir", hubDirectory).stdout.utf8)) as? [[String: Any]])
        // Which redemption overdrew depends on arrival order; at least one did.
        #expect(!review.isEmpty)
        #expect(review.allSatisfy { $0["withinAllowance"] as? Bool == true && ($0["balance"] as? Int ?? 0) < 0 })
        let status = try cli.json(try await cli.hub("status", "--json", "--data-dir", hubDirectory))
        #expect(status["conflicts"] as? Int == 2 + review.count)
        #expect(status["overdraftsPendingReview"] as? Int == review.count)
        await hub.stop()
    }

    @Test func aMergeOfDuplicatesAtTheHubIsAnsweredForBothIdsAndCardsAtTheTerminal() async throws {
        let scratch = try TemporaryDirectory("e2e-identity")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let kept = try #require(try await agent.record("sale", #"{"card":"70000001","lines":[{"sku":"A","quantity":1,"unitPrice":{"amount":3000,"currency":"EUR"}}],"total":{"amount":3000,"currency":"EUR"}}"#)["customer"] as? String)
        let duplicate = try #require(try await agent.record("profile", #"{"card":"70000002","set":{"name":"Ann Twice"}}"#)["customer"] as? String)
        _ = try await agent.record("sale", #"{"card":"70000002","lines":[{"sku":"B","quantity":1,"unitPrice":{"amount":2000,"currency":"EUR"}}],"total":{"amount":2000,"currency":"EUR"}}"#)
        #expect(try await agent.run("sync").status == 0)
        #expect(try await cli.hub("customers", "merge", kept, duplicate, "--data-dir", hub.dataDirectory).status == 0)
        // A sale recorded under the old id before the terminal heard of the merge.
        _ = try await agent.record("sale", #"{"customer":"\#(duplicate)","lines":[{"sku":"C","quantity":1,"unitPrice":{"amount":1000,"currency":"EUR"}}],"total":{"amount":1000,"currency":"EUR"}}"#)
        #expect(try await agent.run("sync").status == 0)

        let atHub = try cli.json(try await cli.hub("customers", "show", kept, "--json", "--reveal", "--data-dir", hub.dataDirectory))
        for lookup in [[kept], [duplicate], ["--card", "70000001"], ["--card", "70000002"]] {
            let local = try cli.json(try await agent.commandLine.agent(["customers", "show"] + lookup + ["--json", "--reveal", "--offline", "--data-dir", agent.dataDirectory]))
            #expect(local["id"] as? String == kept)
            #expect(try local.canonical() == atHub.canonical(removing: "activity"))
        }
        #expect(atHub["mergedFrom"] as? [String] == [duplicate])
        #expect(atHub["name"] as? String == "Ann Twice")
        #expect((atHub["points"] as? [String: Any])?["balance"] as? Int == 60)
        await hub.stop()
    }

    @Test func anErasureAtTheHubReachesEveryTerminalAndRemovesItsData() async throws {
        let scratch = try TemporaryDirectory("e2e-erase")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let receipt = try await agent.record("profile", #"{"card":"55556666","set":{"name":"Forget Me","email":"forget@example.com"}}"#)
        #expect(try await agent.run("sync").status == 0)
        let customer = try #require(receipt["customer"] as? String)
        #expect(try await cli.hub("customers", "erase", customer, "--data-dir", hub.dataDirectory).status == 0)
        #expect(try await agent.run("sync").status == 0)

        let local = try cli.json(try await agent.run("customers", "show", customer, "--json", "--reveal"))
        #expect(local["erased"] as? Bool == true)
        #expect(local["name"] is NSNull)
        // The card no longer names anyone here; presenting it enrols someone new.
        let rescan = try await agent.record("scan", #"{"card":"55556666"}"#)
        #expect(rescan["customer"] as? String != customer)
        await hub.stop()
        // Neither the terminal's nor the hub's files keep the erased name.
        for directory in [agent.dataDirectory, hub.dataDirectory] {
            for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasPrefix("journal.sqlite") || file.hasPrefix("hub.sqlite") {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(file)"))
                #expect(bytes.range(of: Data("Forget Me".utf8)) == nil, "\(file) still holds the erased name")
                #expect(bytes.range(of: Data("forget@example.com".utf8)) == nil, "\(file) still holds the erased email")
            }
        }
    }
}
