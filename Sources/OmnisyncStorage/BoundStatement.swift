public import Foundation
public import GRDB
import GRDBSQLite

/// A cached write statement whose values are bound straight through
/// SQLite's C API, for the few statements run for every entry of a push at
/// the hub.
///
/// `Statement.execute(arguments:)` boxes every argument as an existential
/// `DatabaseValueConvertible` and runs GRDB's per-statement bookkeeping;
/// under a 500-entry batch that was the largest single cost in the profile
/// (see `docs/benchmarks.md`). This binds each value in place and steps once.
///
/// Only for `INSERT`/`UPDATE`/`DELETE` run inside a transaction GRDB opened
/// (a `write`, or a group commit's savepoint): it never begins or ends a
/// transaction, so GRDB's view of the connection stays true. Bind exactly
/// the statement's parameters, in order, then ``execute()``.
public struct BoundStatement {
    private let statement: SQLiteStatement
    private let connection: SQLiteConnection
    private let sql: String
    private var index: CInt = 0

    /// Compiled once per connection (GRDB's statement cache).
    public init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql).sqliteStatement
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database connection is closed", sql: sql)
        }
        self.connection = connection
        self.sql = sql
    }

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    public mutating func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(statement, index, value)
    }

    public mutating func bind(_ value: Int) {
        bind(Int64(value))
    }

    public mutating func bind(_ value: Int64?) {
        if let value { bind(value) } else { bindNull() }
    }

    public mutating func bind(_ value: String) {
        index += 1
        var text = value
        text.withUTF8 { utf8 in
            _ = utf8.withMemoryRebound(to: CChar.self) { chars in
                // A nil base address (an empty string) would bind NULL.
                guard let base = chars.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, nil) }
                return sqlite3_bind_text(statement, index, base, CInt(chars.count), Self.transient)
            }
        }
    }

    public mutating func bind(_ value: String?) {
        if let value { bind(value) } else { bindNull() }
    }

    public mutating func bind(_ value: Data) {
        index += 1
        value.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress {
                _ = sqlite3_bind_blob(statement, index, base, CInt(bytes.count), Self.transient)
            } else {
                // A nil base address would bind NULL: an empty blob is not NULL.
                _ = sqlite3_bind_zeroblob(statement, index, 0)
            }
        }
    }

    public mutating func bindNull() {
        index += 1
        sqlite3_bind_null(statement, index)
    }

    /// Runs the statement once with the values bound, and makes it ready
    /// for the next values.
    public mutating func execute() throws {
        defer { index = 0 }
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
                message: String(cString: sqlite3_errmsg(connection)), sql: sql
            )
        }
    }
}
