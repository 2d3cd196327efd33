import Foundation
import GRDB
import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport

/// Footprint of a terminal holding a large chain's customers: looking a card
/// up among 1,000,000 local profiles (in-process and as `customers show`),
/// next to the same indexed lookup in SQLite; and the daemon's idle memory.
struct FootprintBenchmark {
    var profiles = 1_000_000
    var lookups = 50
    var directory: String
    var agentExecutable: String
    var sqlite3: String?

    struct Result {
        var inProcessMicroseconds: (p50: Double, p99: Double)
        var rawInProcessMicroseconds: (p50: Double, p99: Double)
        var cliMilliseconds: (p50: Double, p99: Double)
        var sqlite3Milliseconds: (p50: Double, p99: Double)?
        var idleDaemonBytes: Int?
        var databaseBytes: Int
    }

    func card(_ index: Int) -> String { "9" + String(format: "%011d", index) }

    func run(progress: (String) -> Void) throws -> Result {
        try? FileManager.default.removeItem(atPath: directory)
        let dataDirectory = AgentDataDirectory(path: directory)
        let agent = try Agent.initialize(dataDirectory, settings: .init(
            hub: "https://127.0.0.1:1", terminal: TerminalID(rawValue: "T-BENCH")!, store: StoreID(rawValue: "S-BENCH")!, token: "bench", caFile: nil
        ))
        try seed(agent: agent, path: dataDirectory.databasePath, progress: progress)

        var generator = SeededGenerator(seed: 42)
        let cards = (0..<max(lookups, 1000)).map { _ in card(Int.random(in: 0..<profiles, using: &generator)) }

        progress("footprint: \(cards.count) in-process lookups")
        var ours: [Duration] = []
        for number in cards {
            let started = ContinuousClock.now
            guard try agent.customer(card: CardNumber(rawValue: number)!) != nil else { throw BenchError("card \(number) not found") }
            ours.append(ContinuousClock.now - started)
        }
        let raw = try rawLookups(cards, path: dataDirectory.databasePath)

        var cli: [Duration] = []
        var baseline: [Duration] = []
        for (index, number) in cards.prefix(lookups).enumerated() {
            progress("footprint: `customers show --card` \(index + 1)/\(lookups)")
            cli.append(try ProcessLatency.measure(agentExecutable, ["customers", "show", "--card", number, "--offline", "--data-dir", directory]))
            if let sqlite3 {
                baseline.append(try ProcessLatency.measure(sqlite3, [
                    dataDirectory.databasePath,
                    "SELECT p.state FROM cards c JOIN profiles p ON p.id = c.customer WHERE c.card = '\(number)'",
                ]))
            }
        }

        progress("footprint: the daemon's idle memory")
        let daemon = try ServerProcess(agentExecutable, ["run", "--interval", "3600", "--data-dir", directory], readingStandardError: true)
        defer { daemon.stop() }
        // Steady state: started, and its first round done (the hub is unreachable on purpose).
        _ = try daemon.waitForLine(containing: "sync round failed")
        let idle = daemon.residentBytes

        let size = (try? FileManager.default.attributesOfItem(atPath: dataDirectory.databasePath)[.size] as? Int) ?? 0
        return Result(
            inProcessMicroseconds: micro(ours), rawInProcessMicroseconds: micro(raw), cliMilliseconds: milli(cli),
            sqlite3Milliseconds: baseline.isEmpty ? nil : milli(baseline), idleDaemonBytes: idle, databaseBytes: size
        )
    }

    private func micro(_ samples: [Duration]) -> (Double, Double) {
        (ProcessLatency.percentile(0.5, of: samples).seconds * 1e6, ProcessLatency.percentile(0.99, of: samples).seconds * 1e6)
    }

    private func milli(_ samples: [Duration]) -> (Double, Double) {
        (ProcessLatency.percentile(0.5, of: samples).seconds * 1e3, ProcessLatency.percentile(0.99, of: samples).seconds * 1e3)
    }

    /// Where `needle` starts in `haystack`.
    private func offsets(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count <= haystack.count else { return [] }
        return (0...(haystack.count - needle.count)).filter { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Profiles shaped exactly as the agent stores them: one real enrolment
    /// is the template, copied with another id and card for each.
    private func seed(agent: Agent, path: String, progress: (String) -> Void) throws {
        let template = card(0)
        _ = try agent.record(.scan(ScanRequest(card: CardNumber(rawValue: template)!)))
        let database = try DatabaseQueue(path: path)
        let (templateID, templateState) = try database.read { db -> (String, [UInt8]) in
            let row = try Row.fetchOne(db, sql: "SELECT id, state FROM profiles")!
            return (row["id"], [UInt8](row["state"] as Data))
        }
        // The state is stored compact (length-prefixed strings): ids and cards
        // of the template's lengths are written over the template's bytes.
        let idOffsets = offsets(of: Array(templateID.utf8), in: templateState)
        let cardOffsets = offsets(of: Array(template.utf8), in: templateState)
        func id(_ number: Int) -> String { "C" + String(format: "%0\(templateID.utf8.count - 1)d", number) }
        var index = 1
        while index < profiles {
            progress("footprint: seeding local profiles, \(index)/\(profiles)")
            let end = min(index + 100_000, profiles)
            try database.write { db in
                let profile = try db.cachedStatement(sql: "INSERT INTO profiles (id, state) VALUES (?, ?)")
                let cardRow = try db.cachedStatement(sql: "INSERT INTO cards (card, customer) VALUES (?, ?)")
                for number in index..<end {
                    var state = templateState
                    for offset in idOffsets { state.replaceSubrange(offset..<(offset + templateID.utf8.count), with: id(number).utf8) }
                    for offset in cardOffsets { state.replaceSubrange(offset..<(offset + template.utf8.count), with: card(number).utf8) }
                    try profile.execute(arguments: [id(number), Data(state)])
                    try cardRow.execute(arguments: [card(number), id(number)])
                }
            }
            index = end
        }
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// The same lookup as one SQL statement through GRDB, returning the state
    /// bytes undecoded: what SQLite itself costs.
    private func rawLookups(_ cards: [String], path: String) throws -> [Duration] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: path, configuration: configuration)
        return try database.read { db in
            let statement = try db.makeStatement(sql: "SELECT p.state FROM cards c JOIN profiles p ON p.id = c.customer WHERE c.card = ?")
            return try cards.map { number in
                let started = ContinuousClock.now
                guard try Data.fetchOne(statement, arguments: [number]) != nil else { throw BenchError("card \(number) not found") }
                return ContinuousClock.now - started
            }
        }
    }
}
