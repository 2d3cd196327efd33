import Foundation
import GRDB
import OmnisyncCore
import OmnisyncTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Crash safety with real processes: `kill -9` of `record`, `sync`, the
/// daemon and the hub at random moments never loses an acknowledged entry nor
/// stores one twice.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CrashTests {
    /// Kills per run: 50 in CI; `OMNISYNC_CRASH_KILLS=500` for a long run.
    static let kills = ProcessInfo.processInfo.environment["OMNISYNC_CRASH_KILLS"].flatMap(Int.init) ?? 50

    static let sale = #"{"card":"31415926","lines":[{"sku":"PIN","quantity":1,"unitPrice":{"amount":100,"currency":"EUR"}}],"total":{"amount":100,"currency":"EUR"}}"#

    @Test func killingAnyProcessAtAnyMomentLosesAndDuplicatesNothing() async throws {
        let scratch = try TemporaryDirectory("e2e-crash")
        defer { scratch.remove() }
        let cli = try CommandLine()
        // A stable address for the hub, which restarts on a new port.
        let front = try FaultProxy.front(for: 0)
        defer { front.stop() }
        var (hub, agent) = try await cli.hubWithOneTerminal(in: scratch, front: front)
        let saleFile = scratch.appending("sale.json")
        try Data(Self.sale.utf8).write(to: URL(fileURLWithPath: saleFile))
        let recordArguments = ["record", "sale", "--json-file", saleFile, "--json", "--data-dir", agent.dataDirectory]

        var acknowledged: [String] = []
        var killed: [String: Int] = [:]
        var random = TestSeed.generator("crash test")
        func pause(upTo milliseconds: Int) async throws {
            try await Task.sleep(for: .microseconds(Int.random(in: 0...(milliseconds * 1000), using: &random)))
        }
        /// Starts `arguments`, kills it with SIGKILL after a random pause; returns
        /// the output of a run that finished first.
        func runKilling(_ arguments: [String], within milliseconds: Int, as name: String) async throws -> String? {
            let process = try BackgroundProcess(cli.agentExecutable, arguments, logPath: scratch.appending("\(name).log"))
            try await pause(upTo: milliseconds)
            let status = await process.stop(signal: SIGKILL)
            if status == -SIGKILL || status == SIGKILL { killed[name, default: 0] += 1 }
            return status == 0 ? process.transcript : nil
        }

        /// Records a sale with nothing killed: it must succeed.
        func recordSale() async throws {
            acknowledged.append(try #require(try await agent.record("sale", Self.sale)["id"] as? String))
        }

        var kills = 0
        while kills < Self.kills {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                // A sale being recorded: acknowledged only if `record` exited 0.
                if let output = try await runKilling(recordArguments, within: 60, as: "record"),
                    let id = (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["id"] as? String {
                    acknowledged.append(id)
                } else {
                    kills += 1
                }
            case 5..<7:
                // A sync round, cut anywhere.
                for _ in 0..<2 { try await recordSale() }
                if try await runKilling(["sync", "--data-dir", agent.dataDirectory], within: 120, as: "sync") == nil { kills += 1 }
            case 7:
                // The daemon, cut anywhere, with a sale recorded next to it.
                let daemon = try BackgroundProcess(cli.agentExecutable, ["run", "--interval", "1", "--data-dir", agent.dataDirectory], logPath: scratch.appending("run.log"))
                try await recordSale()
                try await pause(upTo: 300)
                _ = await daemon.stop(signal: SIGKILL)
                killed["run", default: 0] += 1
                kills += 1
            default:
                // The hub, killed while a terminal pushes to it, then restarted.
                for _ in 0..<3 { try await recordSale() }
                let sync = try BackgroundProcess(cli.agentExecutable, ["sync", "--data-dir", agent.dataDirectory], logPath: scratch.appending("sync-during-hub-kill.log"))
                try await pause(upTo: 150)
                await hub.kill()
                killed["hub", default: 0] += 1
                kills += 1
                _ = await sync.waitForExit()
                hub = try await HubProcess.start(dataDirectory: hub.dataDirectory, front: front)
            }
        }

        // After the storm: one clean round, then check the hub.
        let final = try await agent.run("sync")
        #expect(final.status == 0, "the agent did not resume: \(final.stderr)")
        #expect(try await agent.status()["pending"] as? Int == 0)
        #expect(try await agent.run("verify").status == 0)
        await hub.stop()

        let database = try DatabaseQueue(path: hub.dataDirectory + "/hub.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
        let (ids, seqs, balance) = try await database.read { db in
            (
                try String.fetchAll(db, sql: "SELECT id FROM entries WHERE terminal = 'T-1'"),
                try Int64.fetchAll(db, sql: "SELECT seq FROM entries WHERE terminal = 'T-1' ORDER BY seq"),
                try Data.fetchOne(db, sql: "SELECT state FROM customers LIMIT 1")
            )
        }
        #expect(Set(ids).count == ids.count, "an entry is stored twice")
        #expect(seqs == Array(1...Int64(seqs.count)), "the hub's sequence has a gap")
        let missing = Set(acknowledged).subtracting(ids)
        #expect(missing.isEmpty, "\(missing.count) acknowledged entries are not at the hub")
        // One point per sale: a doubled upload would show here.
        let state = try ProfileState(compactBytes: [UInt8](try #require(balance)))
        let earned = state.points.values.map { $0.earned.values.reduce(0, +) }.reduce(0, +)
        #expect(earned == Int64(ids.count), "points earned (\(earned)) differ from sales stored (\(ids.count))")
        #expect(acknowledged.count >= 10, "too few records completed to mean anything (\(acknowledged.count))")
        print("crash test: \(kills) kills \(killed), \(acknowledged.count) acknowledged records, \(ids.count) entries at the hub")
    }
}

/// A journal edited behind the agent's back is caught by `verify` at the
/// terminal and by the hub, which quarantines the entry instead of applying it.
@Suite(.serialized, .timeLimit(.minutes(5))) struct TamperingTests {
    @Test func aPendingSaleEditedInTheDatabaseIsCaughtAtBothEnds() async throws {
        let scratch = try TemporaryDirectory("e2e-tamper")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        for cents in [1000, 2000, 3000] {
            _ = try await agent.record("sale", #"{"card":"55550000","lines":[{"sku":"T","quantity":1,"unitPrice":{"amount":\#(cents),"currency":"EUR"}}],"total":{"amount":\#(cents),"currency":"EUR"}}"#)
        }
        // Someone with the file edits the second sale: 20.00 becomes 2000.00.
        let database = try DatabaseQueue(path: agent.dataDirectory + "/journal.sqlite")
        try await database.write { db in
            let body = try String.fetchOne(db, sql: "SELECT CAST(body AS TEXT) FROM journal WHERE seq = 2")!
            let edited = body.replacingOccurrences(of: "\"amount\":2000", with: "\"amount\":200000").replacingOccurrences(of: "\"pointsEarned\":20", with: "\"pointsEarned\":2000")
            try db.execute(sql: "UPDATE journal SET body = ? WHERE seq = 2", arguments: [Data(edited.utf8)])
        }
        let verified = try await agent.run("verify")
        #expect(verified.status == 1)
        #expect(verified.stdout.contains("seq 2: the entry was modified"))

        #expect(try await agent.run("sync").status == 0)
        let quarantine = try #require(try JSONSerialization.jsonObject(with: Data(try await cli.hub("quarantine", "list", "--json", "--data-dir", hub.dataDirectory).stdout.utf8)) as? [[String: Any]])
        #expect(quarantine.map { $0["seq"] as? Int } == [2])
        #expect((quarantine.first?["reason"] as? String)?.contains("modified after the terminal recorded it") == true)
        let retried = try await cli.hub("quarantine", "retry", "--data-dir", hub.dataDirectory)
        #expect(retried.stdout.contains("0 applied, 1 still quarantined"))
        let status = try cli.json(try await cli.hub("status", "--json", "--data-dir", hub.dataDirectory))
        #expect(status["quarantined"] as? Int == 1)
        let customer = try cli.json(try await cli.hub("customers", "show", "--card", "55550000", "--json", "--data-dir", hub.dataDirectory))
        // The forged sale's 2,000 points were not applied; the other two sales were.
        #expect((customer["points"] as? [String: Any])?["earned"] as? Int == 40)
        await hub.stop()
    }
}
