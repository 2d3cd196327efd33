import Foundation
import OmnisyncCore
import OmnisyncTestSupport
import Testing

/// A campaign from head office to two tills: the offer reaches the customers
/// it treats and not the holdout; two stores honour the same single-use offer
/// while neither has synced; the hub keeps both sales, flags the double use
/// once, and every replica ends up showing the offer used.
@Suite(.timeLimit(.minutes(5))) struct CampaignEndToEndTests {
    @Test func aSingleUseOfferRedeemedOfflineInTwoStoresIsFlaggedOnceAndUsedEverywhere() async throws {
        let scratch = try TemporaryDirectory("e2e-campaign")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, paris) = try await cli.hubWithOneTerminal(in: scratch)
        let lyonToken = try await cli.register("T-2", store: "S-2", hubDirectory: hub.dataDirectory)
        let lyon = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("lyon"))
        try await lyon.initialise(hub: hub, terminal: "T-2", store: "S-2", token: lyonToken)

        // Sixteen members enrol in Paris; Lyon's till learns them through card lookups.
        let cards = (0..<16).map { String(format: "4000%08d", $0) }
        for card in cards { _ = try await paris.record("scan", #"{"card":"\#(card)"}"#) }
        #expect(try await paris.run("sync").status == 0)
        for card in cards { #expect(try await lyon.run("customers", "show", "--card", card, "--json").status == 0) }

        let file = scratch.appending("campaign.json")
        try #"{"name":"Winter 20%","offer":{"percentOff":20},"validUntil":"2099-01-01T00:00:00Z","holdout":0.5}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let created = try cli.json(try await cli.hub("campaigns", "create", "--json-file", file, "--json", "--data-dir", hub.dataDirectory))
        let campaignText = try #require(created["id"] as? String)
        let campaign = try #require(CampaignID(rawValue: campaignText))
        let members = try #require(created["members"] as? [String: Any])
        #expect(members["audience"] as? Int == 16 && created["status"] as? String == "running")

        // Which customers the draw held out, by the rule every replica shares.
        var customerOf: [String: CustomerID] = [:]
        for card in cards {
            let view = try cli.json(try await paris.run("customers", "show", "--card", card, "--json", "--offline"))
            customerOf[card] = CustomerID(rawValue: try #require(view["id"] as? String))
        }
        let held = cards.filter { HoldoutDraw.isHeldOut(campaign: campaign, customer: customerOf[$0]!, share: 0.5) }
        #expect(members["holdout"] as? Int == held.count)
        let treatedCard = try #require(cards.first { !held.contains($0) }, "a 1-in-65,536 draw held everybody out")
        let heldCard = try #require(held.first, "a 1-in-65,536 draw held nobody out")

        // Both tills pull the offers, then sell offline (neither syncs until both have sold).
        #expect(try await paris.run("sync").status == 0)
        #expect(try await lyon.run("sync").status == 0)
        for till in [paris, lyon] {
            let treated = try cli.json(try await till.run("customers", "show", "--card", treatedCard, "--json", "--offline"))
            let offers = try #require(treated["offers"] as? [[String: Any]])
            #expect(offers.count == 1 && offers.first?["campaign"] as? String == campaign.rawValue && offers.first?["description"] as? String == "20 % off")
            let holdout = try cli.json(try await till.run("customers", "show", "--card", heldCard, "--json", "--offline"))
            #expect((holdout["offers"] as? [Any])?.isEmpty == true, "a holdout member's till shows no offer")
        }
        let sale = #"{"card":"\#(treatedCard)","offer":"\#(campaign)","lines":[{"sku":"SHOE","quantity":1,"unitPrice":{"amount":7999,"currency":"EUR"}}],"total":{"amount":7999,"currency":"EUR"}}"#
        _ = try await paris.record("sale", sale)
        _ = try await lyon.record("sale", sale)
        let again = try await paris.run("record", "sale", "--json-file", "-", stdin: sale)
        #expect(again.status == 1 && again.stderr.contains("already used"), "the till that used it refuses it: \(again.stderr)")
        let notHeld = try await paris.run("record", "sale", "--json-file", "-", stdin: sale.replacingOccurrences(of: treatedCard, with: heldCard))
        #expect(notHeld.status == 1 && notHeld.stderr.contains("holds no offer"), "\(notHeld.stderr)")

        // Both sales reach the hub; the second use is flagged, once.
        #expect(try await paris.run("sync").status == 0)
        #expect(try await lyon.run("sync").status == 0)
        #expect(try await paris.run("sync").status == 0)
        let flagged = try #require(try await cli.hub("review", "offers", "--json", "--data-dir", hub.dataDirectory).json() as? [[String: Any]])
        #expect(flagged.count == 1)
        #expect(flagged.first?["campaign"] as? String == campaign.rawValue && flagged.first?["uses"] as? Int == 2 && flagged.first?["allowed"] as? Int == 1)
        let shown = try cli.json(try await cli.hub("campaigns", "show", campaign.rawValue, "--json", "--data-dir", hub.dataDirectory))
        #expect((shown["members"] as? [String: Any])?["redemptions"] as? Int == 2)

        // Every replica shows the offer used.
        for till in [paris, lyon] {
            let view = try cli.json(try await till.run("customers", "show", "--card", treatedCard, "--json", "--offline"))
            #expect((view["offers"] as? [Any])?.isEmpty == true)
        }
        let atHub = try cli.json(try await cli.hub("customers", "show", "--card", treatedCard, "--json", "--data-dir", hub.dataDirectory))
        #expect((atHub["offers"] as? [Any])?.isEmpty == true)

        let flaggedID = try #require(flagged.first?["id"] as? Int)
        let approved = try await cli.hub("review", "approve-offer", String(flaggedID), "--data-dir", hub.dataDirectory)
        #expect(approved.status == 0)
        #expect(try await cli.hub("review", "offers", "--data-dir", hub.dataDirectory).stdout.contains("no offers used twice"))
        await hub.stop()
    }
}
