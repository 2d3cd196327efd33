import Foundation
import GRDB
import GRDBSQLite
import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Price lists from head office to a till: a large list imported at the hub
/// (`omnisync-hub prices import`), a till's first round bringing the whole
/// list and a later one bringing a 1% change (`omnisync-agent sync` over
/// HTTPS on loopback, separate processes), then prices looked up and sales
/// recorded at the till, each next to a baseline measured in the same run.
struct PricesBenchmark {
    var skus = 100_000
    var directory: String
    var binaries: String

    /// What the run measured, as `--json` prints it.
    struct Result: Encodable {
        var skus: Int
        var rows: Int
        var importSeconds: Double
        var wholeRoundSeconds: Double
        var deltaRoundSeconds: Double
        var deltaRows: Int
        var rawInsertSeconds: Double
        var agentPeakMiB: Double
        var hubPeakMiB: Double?
        var lookupMicrosP50: Double
        var lookupMicrosP99: Double
        var rawLookupMicrosP50: Double
        var recordMillisP50: Double
        var recordWithoutListMillisP50: Double
    }

    static let euro = Currency(rawValue: "EUR")!
    static let store = "S-BENCH"

    func run(progress: (String) -> Void) async throws -> Result {
        let hubDirectory = directory + "/hub"
        let (hub, url) = try ServerProcess.freshHub(binaries: binaries, scratch: directory)
        defer { hub.stop() }

        progress("prices: importing \(skus) SKUs at the hub")
        let first = directory + "/prices-1.csv"
        try Self.csv(skus: skus, changed: 0).write(toFile: first, atomically: true, encoding: .utf8)
        let importSeconds = try ProcessLatency.measure(binaries + "/omnisync-hub", ["prices", "import", first, "--data-dir", hubDirectory]).seconds

        let token = try hubJSON(["terminals", "add", "T-BENCH", "--store", Self.store, "--data-dir", hubDirectory, "--json"])["token"] as? String
        guard let token else { throw BenchError("cannot register the benchmark terminal at the hub") }
        let agentDirectory = AgentDataDirectory(path: directory + "/agent")
        let agent = try Agent.initialize(agentDirectory, settings: .init(
            hub: url, terminal: TerminalID(rawValue: "T-BENCH")!, store: StoreID(rawValue: Self.store)!, token: token,
            caFile: hubDirectory + "/tls/ca.pem"
        ))

        progress("prices: the till's first round (the whole list)")
        let whole = try ProcessLatency.measure(binaries + "/omnisync-agent", ["sync", "--data-dir", agentDirectory.path])
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let agentPeak = usage.ru_maxrss * 1024
        let afterWhole = try agent.status()
        guard afterWhole.priceListVersion == 1 else { throw BenchError("the first round left the till at version \(afterWhole.priceListVersion)") }
        let rows = afterWhole.priceListEntries

        progress("prices: a 1% change, and the till's next round")
        let second = directory + "/prices-2.csv"
        try Self.csv(skus: skus, changed: skus / 100).write(toFile: second, atomically: true, encoding: .utf8)
        _ = try ProcessLatency.measure(binaries + "/omnisync-hub", ["prices", "import", second, "--data-dir", hubDirectory])
        let delta = try ProcessLatency.measure(binaries + "/omnisync-agent", ["sync", "--data-dir", agentDirectory.path, "--json"])
        let hubPeak = hub.peakResidentBytes
        guard try agent.status().priceListVersion == 2 else { throw BenchError("the second round did not reach version 2") }

        progress("prices: raw SQLite inserting the same rows in one transaction")
        let bodies = try priceRows(agentDirectory)
        let raw = try RawSQLiteInserts.run(bodies, file: directory + "/raw.sqlite", perTransaction: bodies.count)

        progress("prices: looking prices up at the till")
        var generator = SeededGenerator(seed: 42)
        var lookups: [Duration] = []
        for _ in 0..<2000 {
            let sku = "SKU-\(Int(generator.next() % UInt64(skus)))"
            let started = ContinuousClock.now
            _ = try agent.price(of: sku, card: nil, at: Self.noon, currency: Self.euro)
            lookups.append(ContinuousClock.now - started)
        }
        let rawLookups = try Self.rawLookups(agentDirectory.databasePath, skus: skus, count: 2000)

        progress("prices: recording sales, with and without a price list")
        let bare = try Agent.initialize(AgentDataDirectory(path: directory + "/bare-agent"), settings: .init(
            hub: url, terminal: TerminalID(rawValue: "T-BARE")!, store: StoreID(rawValue: Self.store)!, token: token,
            caFile: hubDirectory + "/tls/ca.pem"
        ))
        let withList = try Self.recordLatencies(agent, skus: skus, count: 300)
        let withoutList = try Self.recordLatencies(bare, skus: skus, count: 300)

        func micros(_ duration: Duration) -> Double { duration.seconds * 1_000_000 }
        let mebibyte = 1024.0 * 1024
        return Result(
            skus: skus, rows: rows, importSeconds: importSeconds, wholeRoundSeconds: whole.seconds, deltaRoundSeconds: delta.seconds, deltaRows: skus / 100,
            rawInsertSeconds: Double(bodies.count) / raw, agentPeakMiB: Double(agentPeak) / mebibyte, hubPeakMiB: hubPeak.map { Double($0) / mebibyte },
            lookupMicrosP50: micros(ProcessLatency.percentile(0.5, of: lookups)), lookupMicrosP99: micros(ProcessLatency.percentile(0.99, of: lookups)),
            rawLookupMicrosP50: micros(ProcessLatency.percentile(0.5, of: rawLookups)),
            recordMillisP50: ProcessLatency.percentile(0.5, of: withList).seconds * 1000,
            recordWithoutListMillisP50: ProcessLatency.percentile(0.5, of: withoutList).seconds * 1000
        )
    }

    static let noon = Date(timeIntervalSince1970: 1_800_000_000)

    /// A chain's list: a base price per SKU; every 20th SKU with this store's
    /// own price, every 25th with a region price, every 5th with member
    /// prices for two tiers; 50 categories; 40 promotions (half by category,
    /// half by SKU, some for this store only). `changed` SKUs get a new base price.
    static func csv(skus: Int, changed: Int) -> String {
        var lines = ["type,sku,category,currency,price,store,region,tier,promotion,percent,starts,ends,stores"]
        lines.reserveCapacity(skus * 2)
        for index in 0..<skus {
            let sku = "SKU-\(index)"
            let cents = 500 + (index * 37) % 20_000 + (index < changed ? 100 : 0)
            lines.append("base,\(sku),cat-\(index % 50),EUR,\(cents / 100).\(String(format: "%02d", cents % 100)),,,,,,,,")
            if index % 20 == 0 { lines.append("override,\(sku),,EUR,\((cents - 50) / 100).00,\(store),,,,,,,") }
            if index % 20 == 1 { lines.append("override,\(sku),,EUR,\((cents - 50) / 100).00,S-OTHER,,,,,,,") }
            if index % 25 == 0 { lines.append("override,\(sku),,EUR,\((cents - 30) / 100).00,,NORTH,,,,,,") }
            if index % 5 == 0 {
                lines.append("member,\(sku),,EUR,\((cents * 9 / 10) / 100).00,,,vip,,,,,")
                lines.append("member,\(sku),,EUR,\((cents * 95 / 100) / 100).00,,,gold,,,,,")
            }
        }
        lines.append("region,,,,,\(store),NORTH,,,,,,")
        for index in 0..<40 {
            let stores = index % 4 == 1 ? store : ""
            let (sku, category) = index.isMultiple(of: 2) ? ("", "cat-\(index)") : ("SKU-\(index * 997 % skus)", "")
            lines.append("promotion,\(sku),\(category),,,,,,P-\(index),\(5 + index % 30),2027-01-0\(1 + index % 9)T00:00:00Z,2027-02-01T00:00:00Z,\(stores)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func hubJSON(_ arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries + "/omnisync-hub")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BenchError("omnisync-hub \(arguments.joined(separator: " ")) failed")
        }
        return object
    }

    private func priceRows(_ directory: AgentDataDirectory) throws -> [(String, Data)] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: directory.databasePath, configuration: configuration)
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT key, body FROM price_entries").map { ($0["key"], Data(($0["body"] as String).utf8)) }
        }
    }

    /// The least a lookup can cost: one primary-key read of a SKU's base row
    /// through the SQLite C API, on the till's own database.
    private static func rawLookups(_ path: String, skus: Int, count: Int) throws -> [Duration] {
        var connection: OpaquePointer?
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let connection else { throw BenchError("cannot open \(path)") }
        defer { sqlite3_close_v2(connection) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "SELECT body FROM price_entries WHERE key = ?", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("cannot prepare the lookup")
        }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        var generator = SeededGenerator(seed: 42)
        var samples: [Duration] = []
        for _ in 0..<count {
            let key = "base SKU-\(Int(generator.next() % UInt64(skus))) EUR"
            let started = ContinuousClock.now
            sqlite3_bind_text(statement, 1, key, -1, transient)
            guard sqlite3_step(statement) == SQLITE_ROW else { throw BenchError("no row \(key)") }
            _ = sqlite3_column_text(statement, 0)
            sqlite3_reset(statement)
            samples.append(ContinuousClock.now - started)
        }
        return samples
    }

    /// Three-line sales recorded one at a time, charged at list prices or not.
    private static func recordLatencies(_ agent: Agent, skus: Int, count: Int) throws -> [Duration] {
        var generator = SeededGenerator(seed: 7)
        var samples: [Duration] = []
        for _ in 0..<count {
            let lines = (0..<3).map { _ in
                SaleLine(sku: "SKU-\(Int(generator.next() % UInt64(skus)))", quantity: 1, unitPrice: Money(amount: 999, currency: euro))
            }
            let request = RecordRequest.sale(SaleRequest(lines: lines, total: Money(amount: 2997, currency: euro), cashier: "C-1"))
            let started = ContinuousClock.now
            _ = try agent.record(request)
            samples.append(ContinuousClock.now - started)
        }
        return samples
    }
}
