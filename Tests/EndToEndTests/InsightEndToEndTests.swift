import Foundation
import OmnisyncTestSupport
import Testing

/// Predictive insight end to end: a history of web orders and till sales in,
/// `omnisync-hub insight refit`, and the till shows the customer's
/// probability alive, expected purchases, value, cluster and
/// recommendations offline, equal to the hub's.
@Suite struct InsightEndToEndTests {
    @Test func theTillShowsTheHubsPredictionsOffline() async throws {
        let scratch = try TemporaryDirectory("e2e-insight")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        // The till's customer buys twice in store.
        for sku in ["G0-1", "G0-2"] {
            let sale = #"{"card":"88880001","lines":[{"sku":"\#(sku)","quantity":1,"unitPrice":{"amount":4000,"currency":"EUR"}}],"total":{"amount":4000,"currency":"EUR"}}"#
            _ = try await agent.record("sale", sale)
        }
        #expect(try await agent.run("sync").status == 0)

        // Two years of web orders by 90 customers in three groups of SKUs (the till's customer among them, in group 0).
        var generator = TestSeed.generator("insight end to end")
        let now = Date()
        var orders: [String] = []
        for customer in 0..<90 {
            let card = String(format: "8888%04d", customer + 1)
            let group = customer % 3
            let count = 1 + Int.random(in: 0...5, using: &generator)
            var day = Double(Int.random(in: 40...700, using: &generator))
            for number in 0..<count where day > 1 {
                let at = RFC3339Text.format(now.addingTimeInterval(-day * 86_400))
                let sku = "G\(group)-\(Int.random(in: 0..<6, using: &generator))"
                let amount = (10 + customer % 7 * 10 + Int.random(in: 0...9, using: &generator)) * 100
                orders.append(
                    #"{"orderId":"W-\#(customer)-\#(number)","channel":"web","at":"\#(at)","customer":{"card":"\#(card)"},"lines":[{"sku":"\#(sku)","quantity":1,"unitPrice":{"amount":\#(amount),"currency":"EUR"}}],"total":{"amount":\#(amount),"currency":"EUR"}}"#
                )
                day -= Double(Int.random(in: 5...120, using: &generator))
            }
        }
        let file = scratch.appending("history.jsonl")
        try Data(orders.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        #expect(try await cli.hub("import", "orders", file, "--data-dir", hub.dataDirectory).status == 0)

        let refit = try cli.json(try await cli.hub("insight", "refit", "--json", "--data-dir", hub.dataDirectory))
        #expect(refit["kind"] as? String == "refit" && refit["customers"] as? Int == 90)
        let models = try #require(refit["models"] as? [String: Any])
        #expect(models["bgnbd"] is [String: Any] && models["gammaGamma"] is [String: Any] && models["clusters"] is [String: Any], "\(models["notes"] ?? "")")
        let listed = try await cli.hub("segments", "clusters", "--json", "--data-dir", hub.dataDirectory)
        #expect(listed.status == 0, "\(listed.stderr)")
        let clusters = try #require(try listed.json() as? [[String: Any]])
        #expect(clusters.compactMap { $0["customers"] as? Int }.reduce(0, +) == 90)
        #expect(clusters.allSatisfy { ($0["distinctive"] as? [Any])?.count == 3 })
        let shown = try await cli.hub("insight", "show", "--data-dir", hub.dataDirectory)
        #expect(shown.status == 0 && shown.stdout.contains("BG/NBD") && shown.stdout.contains("clusters"))

        let atHub = try cli.json(try await cli.hub("customers", "show", "--card", "88880001", "--json", "--data-dir", hub.dataDirectory))
        let pAlive = try #require(atHub["pAlive"] as? Double)
        #expect(pAlive > 0 && pAlive <= 1)
        #expect((atHub["expectedPurchases90d"] as? Double).map { $0 >= 0 } == true)
        #expect((atHub["value12m"] as? [String: Any])?["currency"] as? String == "EUR")
        let recommendations = try #require(atHub["recommendations"] as? [String])
        #expect(recommendations.count == 10 && !recommendations.contains("G0-1") && !recommendations.contains("G0-2"))
        let boughtOwnGroup = Set(orders.filter { $0.contains(#""card":"88880001""#) }.compactMap { $0.firstMatch(of: /"sku":"(G0-\d)"/)?.output.1 }.map(String.init))
            .union(["G0-1", "G0-2"])
        if boughtOwnGroup.count < 6 {
            #expect(recommendations.first?.hasPrefix("G0-") == true, "the customer's own group first: \(recommendations)")
        }

        // The till pulls it, then answers offline with the same values.
        #expect(try await agent.run("sync").status == 0)
        await hub.stop()
        let atTill = try cli.json(try await agent.run("customers", "show", "--card", "88880001", "--json"))
        for key in ["pAlive", "expectedPurchases90d", "cluster"] {
            #expect((atTill[key] as? NSNumber) == (atHub[key] as? NSNumber), "\(key): till \(atTill[key] ?? "nil"), hub \(atHub[key] ?? "nil")")
        }
        #expect((atTill["value12m"] as? [String: Any])?["amount"] as? Int == (atHub["value12m"] as? [String: Any])?["amount"] as? Int)
        #expect(atTill["recommendations"] as? [String] == recommendations)
        let text = try await agent.run("customers", "show", "--card", "88880001")
        #expect(text.stdout.contains("p(alive)") && text.stdout.contains(recommendations[0]))
    }
}
