import Foundation
import OmnisyncTestSupport
import Testing

/// A price list imported at the hub reaches the till with sync, and the till
/// prices from it with the hub down, promotions starting and ending by the
/// clock (a time the test gives with --at).
@Suite(.timeLimit(.minutes(5))) struct OfflinePricingTests {
    @Test func theTillPricesOfflineAndAPromotionStartsAndEndsByTheClock() async throws {
        let scratch = try TemporaryDirectory("e2e-offline-pricing")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let file = scratch.appending("prices.csv")
        try """
            type,sku,category,currency,price,store,promotion,percent,starts,ends,stores
            base,SHOE-42,footwear,EUR,89.99,,,,,,
            override,SHOE-42,,EUR,79.99,S-2,,,,,
            promotion,,footwear,,,,WINTER,20,2027-01-10T09:00:00Z,2027-01-20T09:00:00Z,S-1

            """.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await cli.hub("prices", "import", file, "--data-dir", hub.dataDirectory).status == 0)

        let before = try cli.json(try await agent.run("status", "--json"))
        #expect(before["priceListVersion"] as? Int == 0)
        let synced = try cli.json(try await agent.run("sync", "--json"))
        #expect(synced["priceListVersion"] as? Int == 1)
        let status = try cli.json(try await agent.run("status", "--json"))
        #expect(status["priceListVersion"] as? Int == 1 && status["priceListUpdatedAt"] is String)

        await hub.stop()
        func price(at time: String) async throws -> [String: Any] {
            try cli.json(try await agent.run("prices", "show", "SHOE-42", "--at", time, "--json"))
        }
        let early = try await price(at: "2027-01-10T08:59:59.999Z")
        #expect((early["price"] as? [String: Any])?["amount"] as? Int == 8999)
        #expect(early["rule"] as? String == "base price", "another store's price does not apply here")
        let started = try await price(at: "2027-01-10T09:00:00Z")
        #expect((started["price"] as? [String: Any])?["amount"] as? Int == 7199, "89.99 less 20 % (18.00)")
        #expect(started["rule"] as? String == "promotion WINTER: 20 % off")
        #expect(started["store"] as? String == "S-1" && started["version"] as? Int == 1)
        let ended = try await price(at: "2027-01-20T09:00:00Z")
        #expect((ended["price"] as? [String: Any])?["amount"] as? Int == 8999, "the end is excluded")

        let unknown = try await agent.run("prices", "show", "NOPE")
        #expect(unknown.status == 1 && unknown.stderr.contains("no price for NOPE"))
    }

    @Test func aSaleChargedOffTheListIsKeptAndItsOverrideShownAtTheHubPerStoreAndCashier() async throws {
        let scratch = try TemporaryDirectory("e2e-price-overrides")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let file = scratch.appending("prices.csv")
        try "type,sku,currency,price\nbase,SHOE-42,EUR,89.99\nbase,SOCK,EUR,12.99\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await cli.hub("prices", "import", file, "--data-dir", hub.dataDirectory).status == 0)
        #expect(try await agent.run("sync").status == 0)
        // The till asked for version 1 on its first round, and runs it from the next.
        #expect(try await agent.run("sync").status == 0)

        // The cashier gives 10.00 off the shoe (a damaged box): the sale stands as charged (recording never asks the hub).
        let sale = #"{"cashier":"C-042","lines":[{"sku":"SHOE-42","quantity":1,"unitPrice":{"amount":7999,"currency":"EUR"}},{"sku":"SOCK","quantity":2,"unitPrice":{"amount":1299,"currency":"EUR"}}],"total":{"amount":10597,"currency":"EUR"}}"#
        let recorded = try await agent.run("record", "sale", "--json-file", "-", stdin: sale)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stderr.contains("line 1 (SHOE-42) charged 79.99 EUR, the price list says 89.99 EUR (base price)"), "\(recorded.stderr)")
        let receipt = try await agent.record("sale", #"{"cashier":"C-042","lines":[{"sku":"SOCK","quantity":1,"unitPrice":{"amount":1299,"currency":"EUR"}}],"total":{"amount":1299,"currency":"EUR"}}"#)
        #expect((receipt["priceOverrides"] as? [Any])?.isEmpty == true, "charged as listed")

        #expect(try await agent.run("sync").status == 0)

        let listed = try cli.json(try await cli.hub("overrides", "list", "--json", "--data-dir", hub.dataDirectory))
        let groups = try #require(listed["byStoreAndCashier"] as? [[String: Any]])
        #expect(groups.count == 1)
        #expect(groups.first?["store"] as? String == "S-1" && groups.first?["cashier"] as? String == "C-042")
        #expect(groups.first?["lines"] as? Int == 1 && groups.first?["sales"] as? Int == 1)
        #expect((groups.first?["difference"] as? [String: Any])?["amount"] as? Int == -1000)
        let row = try #require((listed["overrides"] as? [[String: Any]])?.first)
        #expect(row["sku"] as? String == "SHOE-42" && row["terminal"] as? String == "T-1" && row["priceListVersion"] as? Int == 1)
        #expect((row["quoted"] as? [String: Any])?["amount"] as? Int == 8999 && (row["charged"] as? [String: Any])?["amount"] as? Int == 7999)

        let table = try await cli.hub("overrides", "list", "--store", "S-1", "--data-dir", hub.dataDirectory)
        #expect(table.status == 0 && table.stdout.contains("C-042") && table.stdout.contains("-10.00 EUR"), "\(table.stdout)")
        let none = try await cli.hub("overrides", "list", "--cashier", "C-999", "--data-dir", hub.dataDirectory)
        #expect(none.status == 0 && none.stdout.contains("no price overrides"))
        let bad = try await cli.hub("overrides", "list", "--since", "yesterday", "--data-dir", hub.dataDirectory)
        #expect(bad.status == 2 && bad.stderr.contains("--since"))

        // The hub knows the till runs version 1, the current one.
        let status = try cli.json(try await cli.hub("status", "--json", "--data-dir", hub.dataDirectory))
        let terminal = try #require((status["terminals"] as? [[String: Any]])?.first)
        #expect(terminal["priceListVersion"] as? Int == 1 && terminal["priceListStale"] as? Bool == false)
        #expect((status["priceList"] as? [String: Any])?["version"] as? Int == 1)
        await hub.stop()
    }
}
