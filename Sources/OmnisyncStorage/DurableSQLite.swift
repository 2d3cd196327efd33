public import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// How every Omnisync SQLite database is opened: WAL, `synchronous=FULL`,
/// `secure_delete`, writers waiting for each other across processes,
/// migrations applied.
///
/// WAL lets `status` and `customers show` read while a daemon writes.
/// `synchronous=FULL` makes each commit fsync the WAL before it returns, so an
/// acknowledged entry survives a power cut. GRDB itself sets `NORMAL` when it
/// switches a pool to WAL (after `prepareDatabase` runs), which is durable
/// against process crashes but not against power loss; so FULL is set on the
/// writer connection once the pool is open, and checked.
///
/// The database and its `-wal` and `-shm` files hold personal data: they are
/// owner-only (0600), created so (SQLite gives the WAL and shared-memory files
/// the database's own mode) and set so when an older install left them wider.
public enum DurableSQLite {
    /// How long a writer waits for another process's write lock.
    static let busyTimeoutMillis = 10_000

    public static func open(path: String, label: String, migrator: DatabaseMigrator) throws -> DatabasePool {
        let created = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if created >= 0 { close(created) }
        var configuration = Configuration()
        configuration.label = label
        // Another process (a `record` next to the daemon) may hold the write
        // lock for a moment; wait rather than fail.
        configuration.busyMode = .timeout(Double(busyTimeoutMillis) / 1000)
        // Deleted and overwritten content is zeroed rather than left in free
        // pages, so an erased customer's data is gone from the file, not only
        // from the tables.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
                throw DatabaseError(message: "SQLite refused synchronous=FULL on \(path)")
            }
        }
        try migrator.migrate(pool)
        for file in [path, path + "-wal", path + "-shm"] where access(file, F_OK) == 0 {
            guard chmod(file, 0o600) == 0 else {
                throw DatabaseError(message: "cannot make \(file) owner-only: \(String(cString: strerror(errno)))")
            }
        }
        return pool
    }

    /// Copies the WAL into the database and empties it, so that no earlier
    /// version of a page (holding data since erased) remains in the WAL file.
    ///
    /// A reader in the middle of a long read keeps the WAL from being emptied;
    /// the checkpoint is then retried a few times with growing pauses (about
    /// 0.6 s in all). Returns false if it still could not complete: the caller
    /// must report it and try again later, not assume the data is gone.
    @discardableResult
    public static func purgeOldPageVersions(_ pool: DatabasePool, attempts: Int = 5) throws -> Bool {
        for attempt in 0..<attempts {
            // (busy, log frames, checkpointed frames): busy = 1 when it could not finish.
            let busy = try pool.writeWithoutTransaction { db in
                // Not the writers' 10 s: a reader that holds on is retried
                // below rather than waited for with the write lock held.
                try db.execute(sql: "PRAGMA busy_timeout = 50")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(busyTimeoutMillis)") }
                return try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")?[0] as Int? ?? 1
            }
            if busy == 0 { return true }
            if attempt + 1 < attempts { usleep(UInt32(20_000 << attempt)) }
        }
        return false
    }
}
