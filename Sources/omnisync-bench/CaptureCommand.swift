import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore

struct CaptureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Durable capture: record throughput next to raw SQLite, and CLI latency next to the sqlite3 CLI.",
        discussion: """
            Throughput: sales recorded through the agent's journal API, one synchronous=FULL transaction each, next to \
            the SQLite C API inserting the same rows one transaction each, on the same file system (--dir; not a \
            tmpfs, where fsync is free). Latency: `omnisync-agent record sale` as a process, start to exit, next to \
            the sqlite3 CLI doing one durable insert, interleaved run by run.
            """
    )

    @Option(help: "Scratch directory on the file system to measure (default .build/bench-scratch).") var dir = ".build/bench-scratch"
    @Option(help: "The omnisync-agent executable, for the CLI latency (default: next to this one).") var agent: String?
    @Option(help: "The sqlite3 CLI, for the latency baseline.") var sqlite3 = "/usr/bin/sqlite3"
    @Flag(help: "A small run (500 sales, 30 processes) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Throughput repetitions, interleaved; each side keeps its best.") var repetitions = 3
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var sales: Int
        var agentEntriesPerSecond: Double
        var rawSQLiteEntriesPerSecond: Double
        var ratio: Double
        var processes: Int
        var cliRecordMilliseconds: Percentiles?
        var sqlite3InsertMilliseconds: Percentiles?
        var latencyNote: String?
    }

    struct Percentiles: Encodable {
        var p50: Double
        var p99: Double
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let scratch = URL(fileURLWithPath: dir).standardizedFileURL.path
            var benchmark = CaptureBenchmark(directory: scratch)
            if quick { benchmark.entries = 500 }
            let requests = try benchmark.requests()
            var best = CaptureBenchmark.Result(agentPerSecond: 0, rawPerSecond: 0)
            for round in 1...max(1, repetitions) {
                Output.progress("capture: round \(round) of \(max(1, repetitions))")
                let (agentRate, rows) = try benchmark.runAgent(requests, in: scratch + "/agent")
                let rawRate = try benchmark.runRaw(rows, file: scratch + "/raw.sqlite")
                best.agentPerSecond = max(best.agentPerSecond, agentRate)
                best.rawPerSecond = max(best.rawPerSecond, rawRate)
            }
            Output.endProgress()

            let processes = quick ? 30 : 200
            var report = Report(
                sales: benchmark.entries, agentEntriesPerSecond: best.agentPerSecond, rawSQLiteEntriesPerSecond: best.rawPerSecond,
                ratio: best.agentPerSecond / best.rawPerSecond, processes: processes
            )
            do {
                let (ours, baseline) = try measureLatency(processes: processes, scratch: scratch)
                report.cliRecordMilliseconds = ours
                report.sqlite3InsertMilliseconds = baseline
            } catch {
                report.latencyNote = "CLI latency not measured: \(error)"
            }
            if json {
                try Output.json(report)
                return
            }
            print("capture: \(report.sales) sales, one durable (synchronous=FULL) transaction each, best of \(max(1, repetitions)) interleaved runs, in \(scratch)")
            Output.table(
                headers: ["PATH", "OMNISYNC", "BASELINE", "RATIO", "TARGET"],
                rows: [[
                    "record API vs raw SQLite inserts", String(format: "%.0f entries/s", report.agentEntriesPerSecond),
                    String(format: "%.0f entries/s", report.rawSQLiteEntriesPerSecond), String(format: "%.2fx", report.ratio), ">= 0.90x",
                ]] + latencyRows(report)
            )
            if let note = report.latencyNote { print(note) }
        }
    }

    func latencyRows(_ report: Report) -> [[String]] {
        guard let ours = report.cliRecordMilliseconds, let baseline = report.sqlite3InsertMilliseconds else { return [] }
        return [
            ["CLI record sale vs sqlite3 CLI, p50", String(format: "%.1f ms", ours.p50), String(format: "%.1f ms", baseline.p50),
             String(format: "%.2fx", ours.p50 / baseline.p50), "-"],
            ["CLI record sale vs sqlite3 CLI, p99", String(format: "%.1f ms", ours.p99), String(format: "%.1f ms", baseline.p99),
             String(format: "%.2fx", ours.p99 / baseline.p99), "-"],
        ]
    }

    /// `omnisync-agent record sale` processes and `sqlite3` inserts, alternating.
    func measureLatency(processes: Int, scratch: String) throws -> (Percentiles, Percentiles) {
        let agentExecutable = agent ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("omnisync-agent").path
        guard FileManager.default.isExecutableFile(atPath: agentExecutable) else {
            throw BenchError("no omnisync-agent at \(agentExecutable) (build it, or pass --agent)")
        }
        guard FileManager.default.isExecutableFile(atPath: sqlite3) else {
            throw BenchError("no sqlite3 CLI at \(sqlite3) (apt-get install sqlite3, or pass --sqlite3)")
        }
        let dataDirectory = scratch + "/cli-agent"
        try? FileManager.default.removeItem(atPath: dataDirectory)
        _ = try ProcessLatency.measure(agentExecutable, [
            "init", "--data-dir", dataDirectory, "--hub", "https://hub.invalid", "--terminal", "T-CLI", "--store", "S-BENCH", "--token", "bench",
        ])
        let sale = #"{"card":"40001234","lines":[{"sku":"SHOE-42","quantity":1,"unitPrice":{"amount":8999,"currency":"EUR"}}],"total":{"amount":8999,"currency":"EUR"}}"#
        let saleFile = scratch + "/sale.json"
        try Data(sale.utf8).write(to: URL(fileURLWithPath: saleFile))
        let database = scratch + "/cli.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        _ = try ProcessLatency.measure(sqlite3, [database, "PRAGMA journal_mode=WAL; CREATE TABLE journal (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body BLOB NOT NULL);"])
        let insert = "PRAGMA synchronous=FULL; INSERT INTO journal (id, body) VALUES (lower(hex(randomblob(16))), '\(sale)');"

        var ours: [Duration] = []
        var theirs: [Duration] = []
        for index in 1...processes {
            Output.progress("capture latency: \(index)/\(processes) processes each")
            ours.append(try ProcessLatency.measure(agentExecutable, ["record", "sale", "--data-dir", dataDirectory, "--json-file", saleFile]))
            theirs.append(try ProcessLatency.measure(sqlite3, [database, insert]))
        }
        Output.endProgress()
        func summary(_ samples: [Duration]) -> Percentiles {
            Percentiles(p50: ProcessLatency.percentile(0.5, of: samples).seconds * 1000, p99: ProcessLatency.percentile(0.99, of: samples).seconds * 1000)
        }
        return (summary(ours), summary(theirs))
    }
}
