import Foundation
import OmnisyncTestSupport
import Testing

/// The web shop's history imported with the real `omnisync-hub`: orders land
/// in the customer a till knows (by card, by an email typed differently),
/// an import run again skips what is in, bad lines are named, unusable
/// identifiers are quarantined, and the till's customer shows both channels.
@Suite struct OnlineChannelTests {
    @Test func importedWebOrdersJoinTheTillsCustomer() async throws {
        let scratch = try TemporaryDirectory("e2e-online")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let receipt = try await agent.record("sale", #"{"card":"55550001","lines":[{"sku":"SHOE","quantity":1,"unitPrice":{"amount":5999,"currency":"EUR"}}],"total":{"amount":5999,"currency":"EUR"}}"#)
        let customer = try #require(receipt["customer"] as? String)
        _ = try await agent.record("profile", #"{"card":"55550001","set":{"email":"grace@example.com","phone":"06 11 22 33 44"}}"#)
        #expect(try await agent.run("sync").status == 0)
        #expect(try await cli.hub("policy", "set", "--phone-country-code", "33", "--data-dir", hub.dataDirectory).status == 0)

        let lines = [
            #"{"orderId":"W-1","channel":"web","at":"2026-11-01T10:00:00Z","customer":{"card":"55550001"},"lines":[{"sku":"BAG","quantity":1,"unitPrice":{"amount":3000,"currency":"EUR"}}],"total":{"amount":3000,"currency":"EUR"}}"#,
            #"{"orderId":"W-2","channel":"web","at":"2026-11-02T10:00:00Z","customer":{"email":" Grace@Example.com"},"lines":[{"sku":"HAT","quantity":2,"unitPrice":{"amount":1000,"currency":"EUR"}}],"total":{"amount":2000,"currency":"EUR"}}"#,
            #"{"orderId":"W-3","channel":"web","at":"2026-11-03T10:00:00Z","customer":{"phone":"+33 6 11 22 33 44"},"lines":[{"sku":"HAT","quantity":1,"unitPrice":{"amount":1000,"currency":"EUR"}}],"total":{"amount":1000,"currency":"EUR"}}"#,
            #"{"orderId":"W-4","channel":"web","at":"2026-11-04T10:00:00Z","customer":{"email":"someone new@example"},"lines":[{"sku":"HAT","quantity":1,"unitPrice":{"amount":1000,"currency":"EUR"}}],"total":{"amount":1000,"currency":"EUR"}}"#,
            #"{"orderId":"W-5","channel":"web","at":"2026-11-05T10:00:00Z","customer":{"email":"new@example.com"},"lines":[{"sku":"HAT","quantity":1,"unitPrice":{"amount":1000,"currency":"EUR"}}],"total":{"amount":1000,"currency":"EUR"}}"#,
            #"{"orderId":"W-6","channel":"web","lines":[]}"#,
        ]
        let file = scratch.appending("orders.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))

        let first = try await cli.hub("import", "orders", file, "--json", "--data-dir", hub.dataDirectory)
        #expect(first.status == 1, "a rejected line makes the import exit 1")
        #expect(first.stderr.contains("orders.jsonl:6:"), "the rejected line is named: \(first.stderr)")
        let counts = try #require(try first.json() as? [String: Any])
        #expect(counts["applied"] as? Int == 4 && counts["newCustomers"] as? Int == 1)
        #expect(counts["quarantined"] as? Int == 1 && counts["rejected"] as? Int == 1)

        let again = try await cli.hub("import", "orders", file, "--json", "--data-dir", hub.dataDirectory)
        let resumed = try #require(try again.json() as? [String: Any])
        #expect(resumed["applied"] as? Int == 0 && resumed["alreadyImported"] as? Int == 4)

        let view = try cli.json(try await cli.hub("customers", "show", customer, "--json", "--data-dir", hub.dataDirectory))
        let activity = try #require(view["activity"] as? [String: Any])
        #expect(activity["orders"] as? Int == 4)
        #expect(Set(activity["channels"] as? [String] ?? []) == ["store", "web"])
        #expect((activity["ordersByChannel"] as? [String: Int])?["web"] == 3)
        // Behaviour: 5999 + 3000 + 2000 + 1000 over four orders; the web has most of them; hats bought most.
        #expect((activity["averageBasket"] as? [[String: Any]])?.first?["amount"] as? Int == 11999 / 4)
        #expect(activity["preferredChannel"] as? String == "web" && activity["preferredStore"] as? String == "S-1")
        let top = try #require(activity["topProducts"] as? [[String: Any]])
        #expect(top.first?["sku"] as? String == "HAT" && top.first?["quantity"] as? Int == 3)

        // Found by email or phone as any channel typed them.
        let byEmail = try cli.json(try await cli.hub("customers", "show", "--email", " GRACE@example.com", "--json", "--data-dir", hub.dataDirectory))
        #expect(byEmail["id"] as? String == customer)
        let byPhone = try cli.json(try await cli.hub("customers", "show", "--phone", "06.11.22.33.44", "--json", "--data-dir", hub.dataDirectory))
        #expect(byPhone["id"] as? String == customer)
        let nobody = try await cli.hub("customers", "show", "--email", "nobody@example.com", "--data-dir", hub.dataDirectory)
        #expect(nobody.status == 1 && nobody.stderr.contains("no customer with this email"))

        let kept = try await cli.hub("quarantine", "orders", "--json", "--data-dir", hub.dataDirectory)
        let keptOrders = try #require(try kept.json() as? [[String: Any]])
        #expect(keptOrders.map { $0["orderId"] as? String } == ["W-4"])
        #expect((keptOrders.first?["reason"] as? String)?.contains("not an email address") == true)
        let status = try cli.json(try await cli.hub("status", "--json", "--data-dir", hub.dataDirectory))
        #expect(status["quarantinedOrders"] as? Int == 1)

        let duplicates = try await cli.hub("customers", "duplicates", "--json", "--data-dir", hub.dataDirectory)
        let listed = try duplicates.json() as? [Any]
        #expect(duplicates.status == 0 && listed?.isEmpty == true)
        await hub.stop()
    }
}
