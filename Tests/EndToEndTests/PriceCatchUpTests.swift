import Foundation
import OmnisyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A till catching up on a 100,000-SKU price list gets it in one compact
/// answer and applies it atomically: killed at any moment of a round, it
/// prices with the old list or the new one, never a mix.
@Suite(.serialized, .timeLimit(.minutes(10))) struct PriceCatchUpTests {
    static let skus = 100_000

    /// A price file: `count` SKUs at `cents` each.
    static func file(_ path: String, count: Int, cents: Int) throws {
        var text = "type,sku,currency,price\n"
        text.reserveCapacity(count * 40)
        let price = "\(cents / 100).\(String(format: "%02d", cents % 100))"
        for index in 0..<count {
            text += "base,SKU-\(index),EUR,\(price)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func aKillDuringAnyPartOfTheApplyLeavesTheOldListOrTheNewOne() async throws {
        let scratch = try TemporaryDirectory("e2e-price-catch-up")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        // Version 1: 100,000 SKUs at 10.00.
        let first = scratch.appending("v1.csv")
        try Self.file(first, count: Self.skus, cents: 1000)
        #expect(try await cli.hub("prices", "import", first, "--data-dir", hub.dataDirectory).status == 0)
        let started = ContinuousClock.now
        let synced = try cli.json(try await agent.run("sync", "--json"))
        // The catch-up of a whole list takes this long here; the kills below are spread over it.
        let roundTime = ContinuousClock.now - started
        #expect(synced["priceListVersion"] as? Int == 1)
        let v1 = try cli.json(try await agent.run("status", "--json"))
        let v1Rows = try #require(v1["priceListEntries"] as? Int)
        #expect(v1Rows == Self.skus)

        // Version 2: every price changed and 1,000 more SKUs.
        let second = scratch.appending("v2.csv")
        try Self.file(second, count: Self.skus + 1_000, cents: 1250)
        #expect(try await cli.hub("prices", "import", second, "--data-dir", hub.dataDirectory).status == 0)

        var outcomes: [Int] = []
        for (index, fraction) in [0.2, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1, 1.3].enumerated() {
            let round = try BackgroundProcess(cli.agentExecutable, ["sync", "--data-dir", agent.dataDirectory], logPath: scratch.appending("sync-\(index).log"))
            try await Task.sleep(for: roundTime * fraction)
            _ = await round.stop(signal: SIGKILL)
            let status = try cli.json(try await agent.run("status", "--json"))
            let version = try #require(status["priceListVersion"] as? Int)
            let rows = status["priceListEntries"] as? Int
            let price = try cli.json(try await agent.run("prices", "show", "SKU-77", "--json"))
            let amount = (price["price"] as? [String: Any])?["amount"] as? Int
            switch version {
            case 1: #expect(rows == v1Rows && amount == 1000, "old version, old rows: \(rows ?? -1) rows, SKU-77 at \(amount ?? -1)")
            case 2: #expect(rows == v1Rows + 1_000 && amount == 1250, "new version, new rows: \(rows ?? -1) rows, SKU-77 at \(amount ?? -1)")
            default: Issue.record("version \(version) after a kill")
            }
            outcomes.append(version)
            if version == 2 { break }
        }
        // A last, uninterrupted round brings it to version 2 whatever the kills did.
        #expect(try await agent.run("sync").status == 0)
        let final = try cli.json(try await agent.run("status", "--json"))
        #expect(final["priceListVersion"] as? Int == 2 && final["priceListEntries"] as? Int == v1Rows + 1_000)
        let last = try cli.json(try await agent.run("prices", "show", "SKU-100999", "--json"))
        #expect((last["price"] as? [String: Any])?["amount"] as? Int == 1250)
        print("a whole-list round took \(roundTime); kills left the till at versions \(outcomes)")
        await hub.stop()
    }
}
