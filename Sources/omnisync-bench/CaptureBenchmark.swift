import Foundation
import GRDB
import OmnisyncAgentKit
import OmnisyncCore

/// Durable capture: the agent's `record` path next to raw SQLite doing the
/// same single-row inserts, each in its own `synchronous=FULL` transaction,
/// on the same file system.
///
/// Both sides commit one entry per transaction, as a till records a sale: the
/// cost that matters is the durable commit, and the question is how much the
/// agent adds to it (validation, sequence allocation, hash chain, the local
/// profile and card tables). The raw side inserts the very bytes the agent
/// stored, so both write the same amount.
struct CaptureBenchmark {
    var entries = 2000
    /// Where the databases go: a real disk (not a tmpfs), or fsync is free.
    var directory: String

    struct Result {
        var agentPerSecond: Double
        var rawPerSecond: Double
    }

    /// One sale per entry, a card among 500, a distinct receipt each.
    func requests() throws -> [RecordRequest] {
        try (0..<entries).map { index in
            let json = """
                {"card":"4000\(String(format: "%04d", index % 500))","lines":[{"sku":"SKU-\(index % 97)","quantity":1,\
                "unitPrice":{"amount":\(500 + index % 4000),"currency":"EUR"}}],"total":{"amount":\(500 + index % 4000),\
                "currency":"EUR"},"receipt":"R-\(index)"}
                """
            return try RecordRequest.decode(.sale, from: Data(json.utf8))
        }
    }

    /// Records every request through the agent and returns entries per second
    /// and the (id, body) rows it stored.
    func runAgent(_ requests: [RecordRequest], in path: String) throws -> (rate: Double, rows: [(String, Data)]) {
        try? FileManager.default.removeItem(atPath: path)
        let agent = try Agent.initialize(
            AgentDataDirectory(path: path),
            settings: .init(hub: "https://hub.invalid", terminal: TerminalID(rawValue: "T-BENCH")!, store: StoreID(rawValue: "S-BENCH")!, token: "bench", caFile: nil)
        )
        let started = ContinuousClock.now
        for request in requests {
            _ = try agent.record(request)
        }
        let elapsed = ContinuousClock.now - started
        let database = try DatabaseQueue(path: path + "/journal.sqlite")
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM journal ORDER BY seq").map { ($0["id"] as String, $0["body"] as Data) }
        }
        return (Double(requests.count) / elapsed.seconds, rows)
    }

    /// The same rows inserted with the SQLite C API, one transaction each.
    func runRaw(_ rows: [(String, Data)], file: String) throws -> Double {
        try RawSQLiteInserts.run(rows, file: file, perTransaction: 1)
    }
}

/// A benchmark that cannot run, with the reason.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
