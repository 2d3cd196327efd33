import Foundation
import GRDB
@testable import OmnisyncStorage
import OmnisyncTestSupport
import Testing

/// A group whose transaction SQLite aborts (a full disk, an I/O error) must
/// fail only the write that caused it, and never answer success for work
/// that was rolled back with it.
@Suite struct GroupCommitAbortTests {
    @Test func aWriteThatAbortsTheTransactionFailsAloneAndTheOthersAreCommitted() async throws {
        let directory = try TemporaryDirectory("group-commit-abort")
        defer { directory.remove() }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("items") { db in try db.execute(sql: "CREATE TABLE items (name TEXT PRIMARY KEY)") }
        let pool = try DurableSQLite.open(path: directory.appending("test.sqlite"), label: "test", migrator: migrator)
        let group = GroupCommit(pool: pool)

        // Hold the writer so that all three writes queue up and share one group.
        let release = DispatchSemaphore(value: 0)
        pool.asyncWriteWithoutTransaction { _ in release.wait() }
        let names = ["first", "aborter", "last"]
        let outcomes = Task {
            await withTaskGroup(of: (String, Bool).self) { tasks in
                for name in names {
                    tasks.addTask {
                        do {
                            try await group.write { db in
                                try db.execute(sql: "INSERT INTO items (name) VALUES (?)", arguments: [name])
                                if name == "aborter" {
                                    // What SQLite does on SQLITE_FULL or SQLITE_IOERR: the whole transaction is gone.
                                    try db.execute(sql: "ROLLBACK")
                                    throw DatabaseError(resultCode: .SQLITE_FULL, message: "simulated full disk")
                                }
                            }
                            return (name, true)
                        } catch {
                            return (name, false)
                        }
                    }
                }
                var outcomes: [String: Bool] = [:]
                for await (name, succeeded) in tasks { outcomes[name] = succeeded }
                return outcomes
            }
        }
        while group.queuedCount < names.count { await Task.yield() }
        release.signal()
        let answered = await outcomes.value

        #expect(answered == ["first": true, "aborter": false, "last": true])
        let stored = try await pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM items ORDER BY name") }
        #expect(stored == ["first", "last"], "what was answered success is stored, and only that")
    }
}
