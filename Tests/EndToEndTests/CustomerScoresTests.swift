import Foundation
import OmnisyncTestSupport
import Testing

/// The CRM view reaches the till: web history imported at the hub and store
/// sales synced, `omnisync-hub recompute` scores the customers, and the
/// agent's local view shows the tier, segment and interests the hub
/// computed, offline.
@Suite struct CustomerScoresTests {
    @Test func theTillShowsTheTierAndSegmentTheHubComputed() async throws {
        let scratch = try TemporaryDirectory("e2e-scores")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let second = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent-2"))
        try await second.initialise(
            hub: hub, terminal: "T-2", store: "S-1", token: try await cli.register("T-2", store: "S-1", hubDirectory: hub.dataDirectory)
        )
        // Offline at two terminals: a regular customer, and an occasional one.
        for till in [agent, second] {
            _ = try await till.record("sale", #"{"card":"77770001","lines":[{"sku":"SHOE","quantity":1,"unitPrice":{"amount":2500,"currency":"EUR"}}],"total":{"amount":2500,"currency":"EUR"}}"#)
        }
        _ = try await second.record("sale", #"{"card":"77770002","lines":[{"sku":"SOCK","quantity":1,"unitPrice":{"amount":500,"currency":"EUR"}}],"total":{"amount":500,"currency":"EUR"}}"#)
        #expect(try await agent.run("sync").status == 0)
        #expect(try await second.run("sync").status == 0)

        // A year of web orders by the regular customer, above the VIP spend.
        let now = Date()
        let orders = (1...6).map { index in
            let at = RFC3339Text.format(now.addingTimeInterval(-Double(index) * 30 * 86_400))
            return #"{"orderId":"W-\#(index)","channel":"web","at":"\#(at)","customer":{"card":"77770001"},"lines":[{"sku":"COAT","quantity":1,"unitPrice":{"amount":30000,"currency":"EUR"}}],"total":{"amount":30000,"currency":"EUR"}}"#
        }
        let file = scratch.appending("history.jsonl")
        try Data(orders.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        #expect(try await cli.hub("import", "orders", file, "--data-dir", hub.dataDirectory).status == 0)
        #expect(try await cli.hub("policy", "set", "--vip-spend", "100000", "--data-dir", hub.dataDirectory).status == 0)

        // The catalogue says what the SKUs are; a file with a bad line changes nothing.
        let badCatalogue = scratch.appending("bad.csv")
        try Data("sku,category,name\nSHOE,Footwear,Trail shoe\nCOAT,,Rain coat\n".utf8).write(to: URL(fileURLWithPath: badCatalogue))
        let refused = try await cli.hub("products", "import", badCatalogue, "--data-dir", hub.dataDirectory)
        #expect(refused.status == 1 && refused.stderr.contains("line 3"))
        #expect(try await cli.hub("products", "list", "--data-dir", hub.dataDirectory).stdout.contains("the catalogue is empty"))
        let catalogue = scratch.appending("catalogue.csv")
        try Data("sku,category,name\nSHOE,Footwear,Trail shoe\nSOCK,Footwear,\"Socks, wool\"\nCOAT,Outerwear,Rain coat\n".utf8)
            .write(to: URL(fileURLWithPath: catalogue))
        #expect(try await cli.hub("products", "import", catalogue, "--data-dir", hub.dataDirectory).status == 0)

        let report = try cli.json(try await cli.hub("recompute", "--json", "--data-dir", hub.dataDirectory))
        #expect(report["activeBase"] as? Int == 2 && report["profilesChanged"] as? Int == 2)
        // Nothing changed since: a second run writes nothing.
        let again = try cli.json(try await cli.hub("recompute", "--json", "--data-dir", hub.dataDirectory))
        #expect(again["changed"] as? Int == 0)
        let segments = try cli.json(try await cli.hub("segments", "--json", "--data-dir", hub.dataDirectory))
        #expect((segments["tiers"] as? [String: Int]) == ["VIP": 1, "ordinary": 1])

        // The tills pick it up with their next pull, then answer offline.
        #expect(try await agent.run("sync").status == 0)
        await hub.stop()
        let regular = try cli.json(try await agent.run("customers", "show", "--card", "77770001", "--json"))
        #expect(regular["tier"] as? String == "VIP")
        #expect(regular["segment"] as? String == "champions")
        #expect(regular["lifecycle"] as? String == "active")
        // The first purchase tagged the profile at once, and the tag reached the till too; so did
        // the interests: 6 of their 8 items are outerwear, 2 footwear (a quarter, the default share).
        #expect(Set(regular["tags"] as? [String] ?? []).isSuperset(of: ["first-purchase", "interest-outerwear", "interest-footwear"]))
        let occasional = try cli.json(try await agent.run("customers", "show", "--card", "77770002", "--json"))
        #expect(occasional["tier"] as? String == "ordinary")
        #expect(occasional["lifecycle"] as? String == "new")
        // One pair of socks is not an interest (two items are needed).
        #expect((occasional["tags"] as? [String])?.contains { $0.hasPrefix("interest-") } == false)
    }
}

/// RFC 3339 with milliseconds, as the wire writes times.
enum RFC3339Text {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
