import Foundation
import GRDB
import Testing
@testable import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport

@Suite struct JournalTests {
    @Test func sequenceNumbersStartAtOneAndAreGapless() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let seqs = try (0..<5).map { _ in try fixture.record(.scan, #"{"card":"12345678"}"#).seq }
        #expect(seqs == [1, 2, 3, 4, 5])
    }

    @Test func concurrentWritersOnSeparateConnectionsGetDistinctGaplessSequences() async throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        // Each task opens its own database pool, as separate processes would.
        let seqs = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for writer in 0..<4 {
                let agent = try fixture.reopen()
                group.addTask {
                    try (0..<25).map { index in
                        try agent.record(.scan(ScanRequest(card: CardNumber(rawValue: "CARD\(writer)X\(index)")!))).seq
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(seqs.sorted() == Array(1...100))
        #expect(try fixture.agent.verify().isSound)
    }

    @Test func theDatabaseIsInWALModeWithFullSynchronousCommits() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let (mode, synchronous) = try fixture.agent.database.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2) // FULL
    }

    @Test func profilesStoredAsJSONByAnEarlierVersionAreReadAfterTheUpgrade() throws {
        let directory = try TemporaryDirectory("agent-migration")
        defer { directory.remove() }
        var state = ProfileState(id: CustomerID(rawValue: "C-1")!)
        state.write(.tier, "vip", at: HLCTimestamp(wallMillis: 5, counter: 0, replica: .hub))
        let json = try WireCoding.encode(state)
        let queue = try DatabaseQueue(path: directory.appending("journal.sqlite"))
        try AgentMigrations.migrator.migrate(queue, upTo: "v3: journal hash chain")
        try queue.write { db in try db.execute(sql: "INSERT INTO profiles (id, state) VALUES ('C-1', ?)", arguments: [json]) }
        try AgentMigrations.migrator.migrate(queue)
        #expect(try queue.read { db in try LocalProfileStore.profile(db, id: state.id) } == state)
    }

    @Test func migrationsAreRecordedAndReopeningDoesNotReapplyThem() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        _ = try fixture.record(.scan, #"{"card":"12345678"}"#)
        let reopened = try fixture.reopen()
        let applied = try reopened.database.read { db in try AgentMigrations.migrator.appliedIdentifiers(db) }
        #expect(Set(applied) == [
            "v1: journal, local profiles, sync state", "v2: identity merges, erasure, hub clock offset", "v3: journal hash chain",
            "v4: local profiles in compact form", "v5: price list",
        ])
        let completed = try reopened.database.read { db in try AgentMigrations.migrator.hasCompletedMigrations(db) }
        #expect(completed)
        #expect(try reopened.status().lastSeq == 1)
    }

    @Test func anEntryIsStoredAsTheCanonicalJSONThatIsPushed() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let receipt = try fixture.record(.sale, AgentFixture.sale(card: "12345678"))
        let stored = try fixture.agent.database.read { db in
            try Journal.entries(db, terminal: TerminalID(rawValue: "T-1")!, after: 0, limit: 10)
        }
        #expect(stored.count == 1)
        let entry = try WireCoding.decode(JournalEntry.self, from: stored[0].body)
        #expect(entry.id == receipt.id)
        #expect(entry.seq == 1)
        #expect(try WireCoding.encode(entry) == stored[0].body)
    }

    @Test func initRefusesWhileEntriesAreUnacknowledgedAndKeepsThem() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        _ = try fixture.record(.sale, AgentFixture.sale())
        _ = try fixture.record(.sale, AgentFixture.sale())
        let settings = Agent.Settings(hub: "https://other:8443", terminal: TerminalID(rawValue: "T-9")!, store: StoreID(rawValue: "S-1")!, token: "ost_other", caFile: nil)
        #expect {
            _ = try Agent.initialize(fixture.agent.directory, settings: settings)
        } throws: { error in
            let error = error as? AgentError
            return error?.code == .unacknowledgedEntries && error?.message.contains("2 entries") == true
        }
        let status = try fixture.reopen().status()
        #expect(status.terminal.rawValue == "T-1")
        #expect(status.pending == 2)
    }

    @Test func reinitialisingTheSameTerminalKeepsItsPendingEntries() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        _ = try fixture.record(.sale, AgentFixture.sale())
        let again = try Agent.initialize(
            fixture.agent.directory,
            settings: .init(hub: "https://127.0.0.1:1", terminal: TerminalID(rawValue: "T-1")!, store: StoreID(rawValue: "S-1")!, token: "ost_rotated", caFile: nil)
        )
        #expect(try again.status().pending == 1)
        #expect(try again.directory.readToken() == "ost_rotated")
    }

    @Test func theDataDirAndTokenAreOwnerOnly() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let directory = try FileManager.default.attributesOfItem(atPath: fixture.agent.directory.path)
        let token = try FileManager.default.attributesOfItem(atPath: fixture.agent.directory.tokenPath)
        #expect((directory[.posixPermissions] as? Int) == 0o700)
        #expect((token[.posixPermissions] as? Int) == 0o600)
    }

    @Test func statusReportsPendingEntriesAndTheirAge() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let recordedAt = Date(timeIntervalSince1970: 1_795_000_000)
        _ = try fixture.agent.record(try RecordRequest.decode(.scan, from: Data(#"{"card":"12345678"}"#.utf8)), now: recordedAt)
        let status = try fixture.agent.status(now: recordedAt.addingTimeInterval(90))
        #expect(status.pending == 1)
        #expect(status.oldestPendingAge == 90)
        #expect(status.online == false)
        #expect(status.lastSync == nil)
    }

    @Test func entriesAreChainedAndEditingOneIsDetectedEvenWithItsHashRecomputed() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        for _ in 0..<3 { _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 1000)) }
        let entries = try fixture.agent.database.read { db in
            try Journal.pendingEntries(db, terminal: TerminalID(rawValue: "T-1")!, acknowledgedSeq: 0)
        }
        #expect(entries[0].previousHash == nil)
        #expect(entries[1].previousHash == (try ChainHash.of(entries[0])))
        #expect(entries[2].previousHash == (try ChainHash.of(entries[1])))
        #expect(try fixture.agent.verify().isSound)

        // Someone raises the amount of sale 2 in the file.
        var edited = entries[1]
        if case .sale(var sale) = edited.event {
            sale.total = Money(amount: 99_000, currency: sale.total.currency)
            sale.lines[0].unitPrice = sale.total
            edited.event = .sale(sale)
        }
        let body = try WireCoding.encode(edited)
        try fixture.agent.database.write { db in
            try db.execute(sql: "UPDATE journal SET body = ? WHERE seq = 2", arguments: [body])
        }
        #expect(try fixture.agent.verify().problems == ["terminal T-1 seq 2: the entry was modified after it was recorded (its hash does not match)"])
        // Recomputing the stored hash too only moves the evidence to the next link.
        try fixture.agent.database.write { db in
            try db.execute(sql: "UPDATE journal SET hash = ? WHERE seq = 2", arguments: [ChainHash.of(body)])
        }
        #expect(try fixture.agent.verify().problems == ["terminal T-1 seq 3: hash chain broken (entry 2 was modified or replaced)"])
    }

    @Test func verifyFindsATamperedJournal() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        for _ in 0..<3 { _ = try fixture.record(.scan, #"{"card":"12345678"}"#) }
        #expect(try fixture.agent.verify().isSound)
        try fixture.agent.database.write { db in
            try db.execute(sql: "DELETE FROM journal WHERE seq = 2")
            try db.execute(sql: "UPDATE journal SET body = X'7B7D' WHERE seq = 3")
        }
        let report = try fixture.agent.verify()
        #expect(report.problems.contains("terminal T-1: sequence jumps from 1 to 3"))
        #expect(report.problems.contains { $0.hasPrefix("terminal T-1 seq 3: entry does not decode") })
    }
}
