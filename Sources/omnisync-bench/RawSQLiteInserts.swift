import Foundation
import GRDBSQLite
import OmnisyncCore

/// The baseline our storage is held against: the SQLite C API inserting
/// journal rows into a WAL database with `synchronous=FULL`, through one
/// prepared statement, with nothing else around it.
enum RawSQLiteInserts {
    /// Inserts `rows` (`id`, `body`) into a fresh `file`, `perTransaction` rows
    /// per `BEGIN IMMEDIATE ... COMMIT`, and returns rows per second.
    static func run(_ rows: [(String, Data)], file: String, perTransaction: Int) throws -> Double {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        var connection: OpaquePointer?
        guard sqlite3_open_v2(file, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let connection else {
            throw BenchError("cannot open \(file)")
        }
        defer { sqlite3_close_v2(connection) }
        func execute(_ sql: String) throws {
            guard sqlite3_exec(connection, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(connection)))")
            }
        }
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=FULL")
        try execute("CREATE TABLE journal (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body BLOB NOT NULL)")
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "INSERT INTO journal (id, body) VALUES (?, ?)", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("cannot prepare the insert: \(String(cString: sqlite3_errmsg(connection)))")
        }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        let started = ContinuousClock.now
        var index = rows.startIndex
        while index < rows.endIndex {
            let end = min(index + max(1, perTransaction), rows.endIndex)
            try execute("BEGIN IMMEDIATE")
            for (id, body) in rows[index..<end] {
                sqlite3_bind_text(statement, 1, id, -1, transient)
                _ = body.withUnsafeBytes { sqlite3_bind_blob(statement, 2, $0.baseAddress, Int32($0.count), transient) }
                guard sqlite3_step(statement) == SQLITE_DONE else {
                    throw BenchError("insert failed: \(String(cString: sqlite3_errmsg(connection)))")
                }
                sqlite3_reset(statement)
            }
            try execute("COMMIT")
            index = end
        }
        let elapsed = ContinuousClock.now - started
        return Double(rows.count) / elapsed.seconds
    }
}
