import Foundation
import GRDB
import GRDBSQLite
import OmnisyncCore
import OmnisyncHubKit

/// The floor the hub's own schema sets: the SQLite C API writing exactly
/// the rows a push of sales writes (the entry, its order and order line, and
/// once per batch each touched customer's row and the change counter), into
/// a database with the hub's tables and indexes, through prepared
/// statements, with nothing else around it. The hub's store against this
/// figure is the cost of its code; this figure against ``RawSQLiteInserts``
/// is the cost of keeping facts as rows.
enum RawHubSchemaInserts {
    /// One sale as the hub stores it.
    struct Sale {
        var id: String
        var seq: Int64
        var customer: String
        var atMillis: Int64
        var body: Data
        var hash: String
        var total: Int64
        var points: Int64
        var sku: String
        var receipt: String
    }

    /// A customer's row as the hub last wrote it (the merge state's bytes
    /// and the totals), rewritten once per batch that touches them.
    struct Customer {
        var state: Data
        var totals: String?
    }

    /// Writes `sales` into a fresh hub schema at `file`, `perTransaction` per
    /// `BEGIN IMMEDIATE ... COMMIT`, and returns sales per second.
    static func run(_ sales: [Sale], customers: [String: Customer], file: String, perTransaction: Int) throws -> Double {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        // The hub's tables and indexes, as its migrations make them.
        _ = try SQLiteHubStore(path: file)
        var connection: OpaquePointer?
        guard sqlite3_open_v2(file, &connection, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let connection else {
            throw BenchError("cannot open \(file)")
        }
        defer { sqlite3_close_v2(connection) }
        func execute(_ sql: String) throws {
            guard sqlite3_exec(connection, sql, nil, nil, nil) == SQLITE_OK else {
                throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(connection)))")
            }
        }
        func prepare(_ sql: String) throws -> OpaquePointer {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
                throw BenchError("cannot prepare \(sql): \(String(cString: sqlite3_errmsg(connection)))")
            }
            return statement
        }
        func step(_ statement: OpaquePointer) throws {
            guard sqlite3_step(statement) == SQLITE_DONE else {
                throw BenchError("write failed: \(String(cString: sqlite3_errmsg(connection)))")
            }
            sqlite3_reset(statement)
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func text(_ statement: OpaquePointer, _ index: Int32, _ value: String?) {
            if let value { sqlite3_bind_text(statement, index, value, -1, transient) } else { sqlite3_bind_null(statement, index) }
        }
        func blob(_ statement: OpaquePointer, _ index: Int32, _ value: Data) {
            _ = value.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
        }
        try execute("PRAGMA synchronous=FULL")
        try execute("PRAGMA secure_delete=ON")
        try execute("INSERT INTO terminals (id, store, token_hash, created_at_ms) VALUES ('T-INGEST', 'S-INGEST', 'raw', 0)")
        let seedCustomer = try prepare("INSERT INTO customers (id, state, change_seq) VALUES (?, ?, 0)")
        try execute("BEGIN IMMEDIATE")
        for (id, customer) in customers {
            text(seedCustomer, 1, id)
            blob(seedCustomer, 2, customer.state)
            try step(seedCustomer)
        }
        try execute("COMMIT")
        sqlite3_finalize(seedCustomer)

        let entry = try prepare("""
            INSERT INTO entries (terminal, seq, id, kind, customer, recorded_at_ms, received_at_ms, status, body, hash)
            VALUES ('T-INGEST', ?, ?, 'sale', ?, ?, ?, 'applied', ?, ?)
            """)
        let order = try prepare("""
            INSERT INTO orders (kind, channel, store, terminal, seq, customer, at_ms, currency, total, points_earned, points_redeemed, receipt)
            VALUES ('sale', 'store', 'S-INGEST', 'T-INGEST', ?, ?, ?, 'EUR', ?, ?, 0, ?)
            """)
        let line = try prepare("INSERT INTO order_lines (order_id, line, sku, quantity, amount) VALUES (?, 1, ?, 1, ?)")
        let customer = try prepare("""
            UPDATE customers SET state = ?, wire = NULL, change_seq = ?, orders = ?, first_purchase_ms = ?, last_purchase_ms = ?,
                last_seen_ms = ?, totals = ? WHERE id = ?
            """)
        let acknowledge = try prepare("UPDATE terminals SET acknowledged_seq = ? WHERE id = 'T-INGEST'")
        defer { [entry, order, line, customer, acknowledge].forEach { sqlite3_finalize($0) } }

        var orders: [String: Int64] = [:]
        var changeSeq: Int64 = 0
        let started = ContinuousClock.now
        var index = sales.startIndex
        while index < sales.endIndex {
            let end = min(index + max(1, perTransaction), sales.endIndex)
            try execute("BEGIN IMMEDIATE")
            var touched: [String: Int64] = [:]
            for sale in sales[index..<end] {
                sqlite3_bind_int64(entry, 1, sale.seq)
                text(entry, 2, sale.id)
                text(entry, 3, sale.customer)
                sqlite3_bind_int64(entry, 4, sale.atMillis)
                sqlite3_bind_int64(entry, 5, sale.atMillis)
                blob(entry, 6, sale.body)
                text(entry, 7, sale.hash)
                try step(entry)
                sqlite3_bind_int64(order, 1, sale.seq)
                text(order, 2, sale.customer)
                sqlite3_bind_int64(order, 3, sale.atMillis)
                sqlite3_bind_int64(order, 4, sale.total)
                sqlite3_bind_int64(order, 5, sale.points)
                text(order, 6, sale.receipt)
                try step(order)
                sqlite3_bind_int64(line, 1, sqlite3_last_insert_rowid(connection))
                text(line, 2, sale.sku)
                sqlite3_bind_int64(line, 3, sale.total)
                try step(line)
                orders[sale.customer, default: 0] += 1
                touched[sale.customer] = sale.atMillis
            }
            for (id, at) in touched {
                changeSeq += 1
                blob(customer, 1, customers[id]?.state ?? Data())
                sqlite3_bind_int64(customer, 2, changeSeq)
                sqlite3_bind_int64(customer, 3, orders[id] ?? 0)
                sqlite3_bind_int64(customer, 4, at)
                sqlite3_bind_int64(customer, 5, at)
                sqlite3_bind_int64(customer, 6, at)
                text(customer, 7, customers[id]?.totals)
                text(customer, 8, id)
                try step(customer)
            }
            try execute("UPDATE settings SET value = \(changeSeq) WHERE key = 'change_seq'")
            sqlite3_bind_int64(acknowledge, 1, sales[end - 1].seq)
            try step(acknowledge)
            try execute("COMMIT")
            index = end
        }
        let elapsed = ContinuousClock.now - started
        return Double(sales.count) / elapsed.seconds
    }

    /// The customers' rows as a hub database at `file` holds them.
    static func customers(in file: String) throws -> [String: Customer] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: file, configuration: configuration)
        return try database.read { db in
            var customers: [String: Customer] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, state, totals FROM customers") {
                customers[row["id"]] = Customer(state: row["state"], totals: row["totals"])
            }
            return customers
        }
    }
}
