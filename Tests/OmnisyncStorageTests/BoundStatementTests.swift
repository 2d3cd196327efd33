import Foundation
import GRDB
import OmnisyncStorage
import Testing

/// Values bound through SQLite's C API land as GRDB would have written them,
/// and a failing statement throws without leaving the statement or the
/// transaction unusable.
@Suite struct BoundStatementTests {
    @Test func bindsEveryKindOfValueAndReusesTheStatement() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB)")
            var insert = try BoundStatement(db, sql: "INSERT INTO t (id, n, s, b) VALUES (?, ?, ?, ?)")
            let rows: [(Int64, Int64?, String?, Data)] = [
                (1, .max, "Zoë \"quoted\"", Data([0, 1, 2])),
                (2, nil, "", Data()),
                (3, .min, nil, Data("x".utf8)),
            ]
            for (id, number, text, blob) in rows {
                insert.bind(id)
                insert.bind(number)
                insert.bind(text)
                insert.bind(blob)
                try insert.execute()
            }
            let stored = try Row.fetchAll(db, sql: "SELECT n, s, b, typeof(s) AS ts, typeof(b) AS tb FROM t ORDER BY id")
            #expect(stored.map { $0["n"] as Int64? } == [.max, nil, .min])
            #expect(stored.map { $0["s"] as String? } == ["Zoë \"quoted\"", "", nil])
            // Empty text and an empty blob are values, not NULL.
            #expect(stored.map { $0["ts"] as String } == ["text", "text", "null"])
            #expect(stored.map { $0["tb"] as String } == ["blob", "blob", "blob"])
            #expect(stored.map { $0["b"] as Data? } == [Data([0, 1, 2]), Data(), Data("x".utf8)])
        }
    }

    @Test func aFailingStatementThrowsAndTheTransactionGoesOn() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY)")
            var insert = try BoundStatement(db, sql: "INSERT INTO t (id) VALUES (?)")
            insert.bind(1)
            try insert.execute()
            insert.bind(1)
            #expect { try insert.execute() } throws: { error in
                (error as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
            }
            insert.bind(2)
            try insert.execute()
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 2)
        }
    }
}
