import Foundation
import GRDB
import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport

/// The daemon's local API under many concurrent tills, whose sales are
/// committed in groups, next to the record API committing one sale per
/// transaction, on the same file system and in the same run.
///
/// Both sides are durable (`synchronous=FULL`) before they answer; what group
/// commit buys is fewer fsyncs when callers overlap.
struct LocalAPIBenchmark {
    var entries = 2000
    var callers = 16
    /// Where the data dirs go: a real disk (not a tmpfs), or fsync is free.
    var directory: String
    /// The `omnisync-agent` executable the daemon runs from.
    var agentExecutable: String

    struct Result {
        var apiPerSecond: Double
        var latencies: [Duration]
        var journalEntries: Int
        var gapless: Bool
    }

    /// Sale number `index` as POS software sends it.
    static func sale(_ index: Int) -> String {
        """
        {"card":"4000\(String(format: "%04d", index % 500))","lines":[{"sku":"SKU-\(index % 97)","quantity":1,\
        "unitPrice":{"amount":\(500 + index % 4000),"currency":"EUR"}}],"total":{"amount":\(500 + index % 4000),\
        "currency":"EUR"},"receipt":"R-\(index)"}
        """
    }

    /// The baseline: the same sales through `Agent.record`, one transaction each, one after another.
    func runRecordAPI(in path: String) throws -> Double {
        try? FileManager.default.removeItem(atPath: path)
        let agent = try Self.initialize(path)
        let requests = try (0..<entries).map { try RecordRequest.decode(.sale, from: Data(Self.sale($0).utf8)) }
        let started = ContinuousClock.now
        for request in requests { _ = try agent.record(request) }
        return Double(entries) / (ContinuousClock.now - started).seconds
    }

    /// The daemon's local API over loopback HTTP, `callers` tills at once.
    func runLocalAPI(in path: String) async throws -> Result {
        try? FileManager.default.removeItem(atPath: path)
        _ = try Self.initialize(path)
        let daemon = try ServerProcess(agentExecutable, ["run", "--data-dir", path, "--interval", "3600", "--no-socket", "--listen", "127.0.0.1:0"])
        defer { daemon.stop() }
        let line = try daemon.waitForLine(containing: "local API listening on http://")
        guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else { throw BenchError("cannot read the port in '\(line)'") }

        let perCaller = entries / callers
        let started = ContinuousClock.now
        // One thread per till, each waiting on its own connection.
        let latencies = try await LoopbackHTTP.concurrently(callers) { caller in
            try (0..<perCaller).map { index in
                let began = ContinuousClock.now
                let response = try LoopbackHTTP.send("POST", "/v1/record/sale", json: Self.sale(caller * perCaller + index), to: .tcp(port: port))
                guard response.status == 201 else { throw BenchError("the local API refused a sale: \(response.status) \(response.text)") }
                return ContinuousClock.now - began
            }
        }.flatMap { $0 }
        let elapsed = ContinuousClock.now - started

        // Every answered sale is on disk, numbered without a gap.
        let database = try DatabaseQueue(path: path + "/journal.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
        let (count, last) = try await database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") ?? 0, try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM journal") ?? 0)
        }
        return Result(
            apiPerSecond: Double(perCaller * callers) / elapsed.seconds, latencies: latencies,
            journalEntries: count, gapless: count == last && count == perCaller * callers
        )
    }

    private static func initialize(_ path: String) throws -> Agent {
        try Agent.initialize(
            AgentDataDirectory(path: path),
            settings: .init(hub: "https://hub.invalid", terminal: TerminalID(rawValue: "T-BENCH")!, store: StoreID(rawValue: "S-BENCH")!, token: "bench", caFile: nil)
        )
    }
}
