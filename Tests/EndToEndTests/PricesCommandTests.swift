import Foundation
import OmnisyncTestSupport
import Testing

/// `omnisync-hub prices import|show` with the real executable.
@Suite(.timeLimit(.minutes(5))) struct PricesCommandTests {
    @Test func importThenShowAndABadFileChangesNothing() async throws {
        let scratch = try TemporaryDirectory("e2e-prices")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hub = scratch.appending("hub")
        let file = scratch.appending("prices.csv")
        try """
            type,sku,category,currency,price,store,tier,promotion,percent,starts,ends,stores
            base,SHOE-42,footwear,EUR,89.99,,,,,,,
            override,SHOE-42,,EUR,79.99,NICE-03,,,,,,
            member,SHOE-42,,EUR,82.00,,vip,,,,,
            promotion,,footwear,,,,,SPRING,12.5,2026-03-20T00:00:00Z,2026-04-20T00:00:00Z,PARIS-01

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try cli.json(try await cli.hub("prices", "import", file, "--json", "--data-dir", hub))
        #expect(imported["version"] as? Int == 1 && imported["added"] as? Int == 5)

        // In Paris during the promotion a vip pays the promotion's price: 89.99 less 11.25.
        let during = try cli.json(try await cli.hub(
            "prices", "show", "SHOE-42", "--store", "PARIS-01", "--tier", "vip", "--at", "2026-03-20T00:00:00Z", "--json", "--data-dir", hub
        ))
        #expect((during["price"] as? [String: Any])?["amount"] as? Int == 7874)
        #expect(during["rule"] as? String == "promotion SPRING: 12.5 % off")
        #expect(during["version"] as? Int == 1)
        #expect((during["rules"] as? [Any])?.count == 5)
        // The promotion's end is excluded: the member price then.
        let after = try cli.json(try await cli.hub(
            "prices", "show", "SHOE-42", "--store", "PARIS-01", "--tier", "vip", "--at", "2026-04-20T00:00:00Z", "--json", "--data-dir", hub
        ))
        #expect((after["price"] as? [String: Any])?["amount"] as? Int == 8200)
        #expect(after["rule"] as? String == "member price for tier vip")

        // A bad line rejects the whole file, naming the line; the list stays at version 1.
        let bad = scratch.appending("bad.csv")
        try "type,sku,currency,price\nbase,SHOE-42,EUR,99.99\nbase,CAP,EUR,19.999\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try await cli.hub("prices", "import", bad, "--data-dir", hub)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("line 3: price \"19.999\""), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was imported"))
        let unchanged = try cli.json(try await cli.hub("prices", "show", "SHOE-42", "--json", "--data-dir", hub))
        #expect(unchanged["version"] as? Int == 1)
        #expect((unchanged["price"] as? [String: Any])?["amount"] as? Int == 8999)

        let unknown = try await cli.hub("prices", "show", "NOPE", "--data-dir", hub)
        #expect(unknown.status == 1 && unknown.stderr.contains("no price for NOPE"))
    }
}
