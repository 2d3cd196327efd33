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
}
