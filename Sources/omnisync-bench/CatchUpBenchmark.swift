import Foundation
import GRDB
import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncHubKit
#if canImport(Glibc)
import Glibc
#endif

/// Catch-up: a terminal with a large backlog syncs to a hub over HTTPS on
/// loopback, next to the hub's store ingesting the same batches directly and
/// raw SQLite inserting the same rows 500 per transaction.
///
/// The sync runs as `omnisync-agent sync`, the hub as `omnisync-hub serve`:
/// separate processes, as in a store and at head office, so each one's peak
/// memory is its own.
struct CatchUpBenchmark {
    var entries = 100_000
    var directory: String
    var binaries: String

    struct Result {
        var syncPerSecond: Double
        var storePerSecond: Double
        var rawPerSecond: Double
        var agentPeakBytes: Int
        var hubPeakBytes: Int?
    }

    func run(progress: (String) -> Void) async throws -> Result {
        let hubDirectory = directory + "/hub"
        let (hub, url) = try ServerProcess.freshHub(binaries: binaries, scratch: directory)
        defer { hub.stop() }
        let token = try registerTerminal(hubDirectory: hubDirectory)

        let agentDirectory = AgentDataDirectory(path: directory + "/agent")
        let agent = try Agent.initialize(agentDirectory, settings: .init(
            hub: url, terminal: TerminalID(rawValue: "T-BENCH")!, store: StoreID(rawValue: "S-BENCH")!, token: token,
            caFile: hubDirectory + "/tls/ca.pem"
        ))
        try seed(agent, progress: progress)

        progress("catch-up: syncing \(entries) entries over HTTPS")
        let sync = try timedChild(binaries + "/omnisync-agent", ["sync", "--data-dir", agentDirectory.path])
        let hubPeak = hub.peakResidentBytes
        let pending = try agent.status().pending
        guard pending == 0 else { throw BenchError("the sync left \(pending) entries pending") }

        let rows = try journalRows(agentDirectory)
        progress("catch-up: the hub store ingesting the same batches directly")
        let store = try await storeIngest(rows)
        progress("catch-up: raw SQLite inserting the same rows")
        let raw = try RawSQLiteInserts.run(rows.map { ($0.id, $0.body) }, file: directory + "/raw.sqlite", perTransaction: 500)
        return Result(
            syncPerSecond: Double(entries) / sync.elapsed.seconds, storePerSecond: store, rawPerSecond: raw,
            agentPeakBytes: sync.peakResidentBytes, hubPeakBytes: hubPeak
        )
    }

    private func registerTerminal(hubDirectory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries + "/omnisync-hub")
        process.arguments = ["terminals", "add", "T-BENCH", "--store", "S-BENCH", "--data-dir", hubDirectory, "--json"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let token = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["token"] as? String else {
            throw BenchError("cannot register the benchmark terminal at the hub")
        }
        return token
    }

    /// A week of sales over 300 customers, recorded 5,000 to a transaction.
    private func seed(_ agent: Agent, progress: (String) -> Void) throws {
        let euro = Currency(rawValue: "EUR")!
        var seeded = 0
        while seeded < entries {
            progress("catch-up: recording the backlog, \(seeded)/\(entries)")
            let requests = (0..<min(5000, entries - seeded)).map { index -> RecordRequest in
                let total = Money(amount: Int64(100 + (seeded + index) % 5000), currency: euro)
                return .sale(SaleRequest(
                    reference: CustomerReference(card: CardNumber(rawValue: "CARD\((seeded + index) % 300)")!),
                    lines: [SaleLine(sku: "SKU-\(index % 40)", quantity: 1, unitPrice: total)], total: total
                ))
            }
            seeded += try agent.record(requests).count
        }
    }

    struct JournalRow {
        var id: String
        var body: Data
        var hash: String?
    }

    private func journalRows(_ directory: AgentDataDirectory) throws -> [JournalRow] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: directory.databasePath, configuration: configuration)
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body, hash FROM journal ORDER BY seq").map { JournalRow(id: $0["id"], body: $0["body"], hash: $0["hash"]) }
        }
    }

    /// The hub's SQLite store taking the same batches of 500, decoded
    /// beforehand: what the hub does per push minus HTTP, TLS and gzip.
    private func storeIngest(_ rows: [JournalRow]) async throws -> Double {
        let path = directory + "/store/hub.sqlite"
        try FileManager.default.createDirectory(atPath: directory + "/store", withIntermediateDirectories: true)
        let store = try SQLiteHubStore(path: path)
        let terminalID = TerminalID(rawValue: "T-BENCH")!
        let batches = try stride(from: 0, to: rows.count, by: 500).map { start -> IncomingPush in
            let slice = rows[start..<min(start + 500, rows.count)]
            let body = PushRequest.body(
                terminal: terminalID, backlog: Int64(rows.count - start - slice.count), encodedEntries: slice.map(\.body), hashes: slice.map(\.hash)
            )
            return try IncomingPush.read(body)
        }
        let terminal = try await store.addTerminal(terminalID, store: StoreID(rawValue: "S-BENCH")!, tokenHash: "bench", at: Date())
        let started = ContinuousClock.now
        for batch in batches {
            _ = try await store.push(batch, from: terminal, contact: TerminalContact(receivedAt: Date(), sentAt: nil))
        }
        return Double(rows.count) / (ContinuousClock.now - started).seconds
    }

    /// Runs `executable` to completion; its wall time and peak memory.
    private func timedChild(_ executable: String, _ arguments: [String]) throws -> (elapsed: Duration, peakResidentBytes: Int) {
        let elapsed = try ProcessLatency.measure(executable, arguments)
        // The largest child waited for so far: the sync, which dwarfs init and the hub CLI.
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return (elapsed, usage.ru_maxrss * 1024)
    }
}
