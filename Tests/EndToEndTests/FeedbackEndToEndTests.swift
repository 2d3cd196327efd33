import Foundation
import OmnisyncTestSupport
import Testing

/// Feedback recorded offline at a kiosk arrives once, counts in the NPS, and
/// its comment disappears with the customer's erasure (the score stays).
@Suite(.timeLimit(.minutes(5))) struct FeedbackEndToEndTests {
    @Test func feedbackRecordedOfflineArrivesOnceCountsAndItsCommentGoesWithTheCustomer() async throws {
        let scratch = try TemporaryDirectory("e2e-feedback")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, kiosk) = try await cli.hubWithOneTerminal(in: scratch)

        // Recorded while the kiosk has not synced: a member's answer and an anonymous one.
        let member = try await kiosk.record("feedback", #"{"card":"40001111","score":10,"comment":"Ada found her size at once"}"#)
        let customer = try #require(member["customer"] as? String)
        _ = try await kiosk.record("feedback", #"{"score":3,"receipt":"R-77"}"#)
        let bad = try await kiosk.run("record", "feedback", "--json-file", "-", stdin: #"{"score":11}"#)
        #expect(bad.status == 1 && bad.stderr.contains("score"), "\(bad.stderr)")

        // Synced twice: stored once.
        #expect(try await kiosk.run("sync").status == 0)
        #expect(try await kiosk.run("sync").status == 0)
        let figures = try #require(try await cli.hub("satisfaction", "--json", "--data-dir", hub.dataDirectory).json() as? [[String: Any]])
        #expect(figures.count == 1 && figures.first?["count"] as? Int == 2)
        #expect(figures.first?["promoters"] as? Int == 1 && figures.first?["detractors"] as? Int == 1)
        #expect(((figures.first?["nps"] as? [String: Any])?["estimate"] as? Double).map { abs($0) < 1e-9 } == true, "one promoter, one detractor: 0")
        let byStore = try #require(try await cli.hub("satisfaction", "--by", "store", "--json", "--data-dir", hub.dataDirectory).json() as? [[String: Any]])
        #expect(byStore.map { $0["group"] as? String } == ["S-1"])

        let masked = try await cli.hub("feedback", "list", "--data-dir", hub.dataDirectory)
        #expect(masked.status == 0 && masked.stdout.contains("(26 characters)") && !masked.stdout.contains("Ada"), "\(masked.stdout)")
        let revealed = try #require(try await cli.hub("feedback", "list", "--reveal", "--json", "--data-dir", hub.dataDirectory).json() as? [[String: Any]])
        #expect(revealed.contains { $0["comment"] as? String == "Ada found her size at once" })

        // The customer asks to be erased: the comment goes everywhere, the score still counts.
        #expect(try await cli.hub("customers", "erase", customer, "--data-dir", hub.dataDirectory).status == 0)
        let after = try #require(try await cli.hub("feedback", "list", "--reveal", "--json", "--data-dir", hub.dataDirectory).json() as? [[String: Any]])
        #expect(after.count == 2 && after.allSatisfy { $0["comment"] is NSNull } && after.allSatisfy { $0["customer"] is NSNull })
        let still = try #require(try await cli.hub("satisfaction", "--json", "--data-dir", hub.dataDirectory).json() as? [[String: Any]])
        #expect(still.first?["count"] as? Int == 2)
        #expect(try await kiosk.run("sync").status == 0)
        let verify = try cli.json(try await kiosk.run("verify", "--json"))
        #expect((verify["problems"] as? [Any])?.isEmpty == true)
        await hub.stop()
    }
}
