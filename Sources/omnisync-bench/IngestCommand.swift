import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

/// The hub's push path alone, in process: push bodies read and stored in a
/// fresh hub database, with nothing else in the process's way (no HTTP, no
/// TLS, no agent), so that a profiler's samples are all the push path's.
/// Deterministic input: the same bytes every run.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "The hub's push path in process (read the body, store the batch), for profiling.",
        discussion: """
            Builds a terminal's backlog of sales (seeded: the same bytes every run), then reads each 500-entry push \
            body and stores it in a fresh hub database, and prints entries per second next to two baselines: the \
            SQLite C API inserting the entries' (id, bytes) 500 per transaction, and the C API writing exactly the rows \
            the hub writes for them into the hub's schema (the floor that schema sets). To see where the time goes:
              perf record -g omnisync-bench ingest --entries 50000
            (callgrind cannot run it here: see docs/benchmarks.md).
            """
    )

    @Option(help: "Scratch directory (default .build/bench-scratch/ingest).") var dir = ".build/bench-scratch/ingest"
    @Option(help: "Entries in the backlog.") var entries = 20_000
    @Option(help: "Customers the sales go to.") var customers = 300
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var entries: Int
        var customers: Int
        var entriesPerSecond: Double
        /// The same entries' (id, bytes) rows inserted by the SQLite C API, 500 per transaction.
        var rawSQLiteEntriesPerSecond: Double
        /// The rows the hub writes for them (entry, order, line, customers once
        /// per batch), written by the C API into the hub's schema.
        var rawHubSchemaEntriesPerSecond: Double
    }

    func validate() throws {
        guard entries >= 1, customers >= 1 else { throw ValidationError("--entries and --customers must be at least 1") }
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            let directory = URL(fileURLWithPath: dir).standardizedFileURL.path
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let (bodies, rows, sales) = try Self.backlog(entries: entries, customers: customers)
            let store = try SQLiteHubStore(path: directory + "/hub.sqlite")
            let terminal = try await store.addTerminal(TerminalID(rawValue: "T-INGEST")!, store: StoreID(rawValue: "S-INGEST")!, tokenHash: "ingest", at: Date())
            let started = ContinuousClock.now
            for body in bodies {
                let push = try IncomingPush.read(body)
                _ = try await store.push(push, from: terminal, contact: TerminalContact(receivedAt: Date(), sentAt: nil))
            }
            let elapsed = ContinuousClock.now - started
            let raw = try RawSQLiteInserts.run(rows, file: directory + "/raw.sqlite", perTransaction: 500)
            let floor = try RawHubSchemaInserts.run(
                sales, customers: try RawHubSchemaInserts.customers(in: directory + "/hub.sqlite"), file: directory + "/raw-hub.sqlite", perTransaction: 500
            )
            let report = Report(
                entries: entries, customers: customers, entriesPerSecond: Double(entries) / elapsed.seconds, rawSQLiteEntriesPerSecond: raw,
                rawHubSchemaEntriesPerSecond: floor
            )
            if json {
                try Output.json(report)
            } else {
                print(String(
                    format: "ingest: %d sales over %d customers, 500 per push, read and stored in process: %.0f entries/s\n"
                        + "  raw SQLite inserting the entries' rows:          %.0f/s (store %.3fx)\n"
                        + "  raw SQLite writing the hub's rows in its schema: %.0f/s (store %.3fx)",
                    entries, customers, report.entriesPerSecond, raw, report.entriesPerSecond / raw, floor, report.entriesPerSecond / floor
                ))
            }
        }
    }

    /// Push bodies of a terminal's sales, each entry in its canonical bytes
    /// and chained to the one before, as an agent sends them. Deterministic:
    /// fixed times and ids.
    static func backlog(entries: Int, customers: Int) throws -> (bodies: [Data], rows: [(String, Data)], sales: [RawHubSchemaInserts.Sale]) {
        let terminal = TerminalID(rawValue: "T-INGEST")!
        let euro = Currency(rawValue: "EUR")!
        var clock = HybridLogicalClock(replica: ReplicaID(terminal))
        var previous: String?
        var encoded: [Data] = []
        var hashes: [String?] = []
        var sales: [RawHubSchemaInserts.Sale] = []
        for index in 0..<entries {
            let wall: Int64 = 1_796_000_000_000 + Int64(index)
            let total = Money(amount: Int64(100 + index % 5000), currency: euro)
            let entry = JournalEntry(
                id: EntryID(rawValue: "E-\(index)")!, terminal: terminal, seq: Int64(index + 1), recordedAt: Date(millis: wall)!,
                hlc: clock.tick(wallMillis: wall), previousHash: previous,
                event: .sale(SaleEvent(
                    customer: CustomerID(rawValue: "C-\(index % customers)")!, card: CardNumber(rawValue: "CARD\(index % customers)")!,
                    enrolled: index < customers, lines: [SaleLine(sku: "SKU-\(index % 40)", quantity: 1, unitPrice: total)], total: total,
                    receipt: "R-\(index)", pointsEarned: LoyaltyPolicy.default.pointsEarned(by: total), pointsRedeemed: 0
                ))
            )
            let bytes = try entry.canonicalBytes()
            let hash = ChainHash.of(bytes)
            previous = hash
            encoded.append(bytes)
            hashes.append(hash)
            sales.append(RawHubSchemaInserts.Sale(
                id: "E-\(index)", seq: Int64(index + 1), customer: "C-\(index % customers)", atMillis: wall, body: bytes, hash: hash,
                total: total.amount, points: LoyaltyPolicy.default.pointsEarned(by: total), sku: "SKU-\(index % 40)", receipt: "R-\(index)"
            ))
        }
        let bodies = stride(from: 0, to: entries, by: 500).map { start in
            let end = min(start + 500, entries)
            return PushRequest.body(
                terminal: terminal, backlog: Int64(entries - end), encodedEntries: Array(encoded[start..<end]), hashes: Array(hashes[start..<end])
            )
        }
        return (bodies, encoded.enumerated().map { ("E-\($0.offset)", $0.element) }, sales)
    }
}
