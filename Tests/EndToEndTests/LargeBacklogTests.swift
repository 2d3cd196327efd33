import Foundation
import GRDB
import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A terminal offline for a long time catches up in bounded, compressed
/// batches, and a hub killed in the middle of it loses and repeats nothing.
@Suite(.serialized, .timeLimit(.minutes(10))) struct LargeBacklogTests {
    /// 10,000 in CI (seeding them dominates the test's time in a debug
    /// build); `OMNISYNC_BACKLOG=100000` for a week's worth.
    static let backlog = ProcessInfo.processInfo.environment["OMNISYNC_BACKLOG"].flatMap(Int.init) ?? 10_000

    @Test func aLargeBacklogSurvivesAHubKilledMidCatchUp() async throws {
        let scratch = try TemporaryDirectory("e2e-backlog")
        defer { scratch.remove() }
        let cli = try CommandLine()
        // A stable address for the hub, which restarts on a new port.
        let front = try FaultProxy.front(for: 0)
        defer { front.stop() }
        var (hub, agent) = try await cli.hubWithOneTerminal(in: scratch, front: front)

        // A week offline: many sales over a few hundred customers, seeded in batches.
        let terminal = try Agent.open(AgentDataDirectory(path: agent.dataDirectory))
        let euro = Currency(rawValue: "EUR")!
        var seeded = 0
        while seeded < Self.backlog {
            let requests = (0..<min(5000, Self.backlog - seeded)).map { index -> RecordRequest in
                let total = Money(amount: 100, currency: euro)
                return .sale(SaleRequest(
                    reference: CustomerReference(card: CardNumber(rawValue: "CARD\((seeded + index) % 300)")!),
                    lines: [SaleLine(sku: "SKU-\(index % 40)", quantity: 1, unitPrice: total)], total: total
                ))
            }
            seeded += try terminal.record(requests).count
        }
        #expect(try await agent.status()["pending"] as? Int == Self.backlog)

        // The catch-up starts; the hub dies after a few batches.
        let sync = try BackgroundProcess(cli.agentExecutable, ["sync", "--data-dir", agent.dataDirectory], logPath: scratch.appending("sync.log"))
        _ = try await hub.waitForLog(containing: "acknowledgedSeq=1500")
        await hub.kill()
        #expect(await sync.waitForExit() == 3)
        let halfway = try await agent.status()
        let acknowledged = try #require(halfway["acknowledgedSeq"] as? Int)
        // The hub logged 1500 stored, but was killed before its answer may have
        // left: the terminal holds at least the batch before (a harmless resend).
        #expect(acknowledged >= 1000 && acknowledged < Self.backlog)

        hub = try await HubProcess.start(dataDirectory: hub.dataDirectory, front: front)
        let resumed = try await agent.run("sync")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try await agent.status()["pending"] as? Int == 0)
        let log = hub.log()
        await hub.stop()

        // Bounded batches, each stored once: no batch above 500, contiguous, one point per sale.
        let batches = log.split(separator: "\n").filter { $0.contains("push stored") }
        let sizes = batches.compactMap { line in line.split(separator: " ").first { $0.hasPrefix("stored=") }.flatMap { Int($0.dropFirst(7)) } }
        #expect(!sizes.isEmpty && sizes.allSatisfy { $0 <= 500 })
        let database = try DatabaseQueue(path: hub.dataDirectory + "/hub.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
        let (count, last, points) = try await database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entries") ?? 0,
                try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM entries") ?? 0,
                try Data.fetchAll(db, sql: "SELECT state FROM customers").map { try ProfileState(compactBytes: [UInt8]($0)).pointsEarned }.reduce(0, +)
            )
        }
        #expect(count == Self.backlog && last == Self.backlog)
        #expect(points == Int64(Self.backlog))
    }

    @Test func salesRecordedDuringACatchUpWaitForTheNextRoundInsteadOfRaisingAMismatch() async throws {
        let scratch = try TemporaryDirectory("e2e-catchup-recording")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let terminal = try Agent.open(AgentDataDirectory(path: agent.dataDirectory))
        let euro = Currency(rawValue: "EUR")!
        // Not a multiple of the batch size: the last batch has room for new entries.
        let backlog = 2_750
        _ = try terminal.record((0..<backlog).map { index in
            let total = Money(amount: 100, currency: euro)
            return .sale(SaleRequest(reference: CustomerReference(card: CardNumber(rawValue: "CARD\(index % 50)")!), lines: [SaleLine(sku: "S", quantity: 1, unitPrice: total)], total: total))
        })

        // The till keeps selling while the catch-up runs.
        let sync = try BackgroundProcess(cli.agentExecutable, ["sync", "--json", "--data-dir", agent.dataDirectory], logPath: scratch.appending("sync.log"))
        _ = try await hub.waitForLog(containing: "acknowledgedSeq=500")
        let during = 5
        for _ in 0..<during {
            _ = try await agent.record("sale", #"{"card":"77770000","lines":[{"sku":"N","quantity":1,"unitPrice":{"amount":100,"currency":"EUR"}}],"total":{"amount":100,"currency":"EUR"}}"#)
        }
        #expect(await sync.waitForExit() == 0, "the round failed: \(sync.transcript)")
        let printed = sync.transcript
        let json = printed.firstIndex(of: "{").map { String(printed[$0...]) } ?? ""
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(printed)")
        #expect(report["pushed"] as? Int == backlog, "the round pushed what existed when it started")
        #expect(try await agent.status()["pending"] as? Int == during)

        #expect(try await agent.run("sync").status == 0)
        #expect(try await agent.status()["pending"] as? Int == 0)
        await hub.stop()
    }

}
