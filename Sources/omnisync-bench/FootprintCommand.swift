import ArgumentParser
import Foundation
import OmnisyncCLISupport

struct FootprintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint",
        abstract: "Card lookup among 1,000,000 local profiles next to SQLite's own, and the daemon's idle memory.",
        discussion: """
            Seeds a terminal's local store with --profiles customers (copies of one real enrolment), then times card \
            lookups in-process (Agent.customer(card:)) next to the same indexed SQL through GRDB, and `omnisync-agent \
            customers show --card N --offline` as a process next to the sqlite3 CLI running that SQL. Finally starts \
            `omnisync-agent run` on that data dir and reads its resident memory once its first round is done. The \
            agent's memory during a sync is in `omnisync-bench catchup`.
            """
    )

    @Option(help: "Scratch directory (default .build/bench-scratch/footprint).") var dir = ".build/bench-scratch/footprint"
    @Option(help: "The omnisync-agent executable (default: next to this one).") var agent: String?
    @Option(help: "The sqlite3 CLI, for the process baseline.") var sqlite3 = "/usr/bin/sqlite3"
    @Option(help: "Local profiles.") var profiles = 1_000_000
    @Flag(help: "A small run (20,000 profiles, 10 processes) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Accepted for symmetry with the other benchmarks; footprint runs once.") var repetitions = 1
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var profiles: Int
        var databaseMiB: Double
        var lookupInProcessMicroseconds: [String: Double]
        var sqlInProcessMicroseconds: [String: Double]
        var customersShowMilliseconds: [String: Double]
        var sqlite3CLIMilliseconds: [String: Double]?
        var idleDaemonMiB: Double?
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            let agentExecutable = agent ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("omnisync-agent").path
            guard FileManager.default.isExecutableFile(atPath: agentExecutable) else {
                throw BenchError("no omnisync-agent at \(agentExecutable) (build it in release, or pass --agent)")
            }
            let benchmark = FootprintBenchmark(
                profiles: quick ? 20_000 : profiles, lookups: quick ? 10 : 50,
                directory: URL(fileURLWithPath: dir).standardizedFileURL.path, agentExecutable: agentExecutable,
                sqlite3: FileManager.default.isExecutableFile(atPath: sqlite3) ? sqlite3 : nil
            )
            let result = try benchmark.run { Output.progress($0) }
            Output.endProgress()
            let mebibyte = 1024.0 * 1024
            func pair(_ value: (p50: Double, p99: Double)) -> [String: Double] { ["p50": value.p50, "p99": value.p99] }
            let report = Report(
                profiles: benchmark.profiles, databaseMiB: Double(result.databaseBytes) / mebibyte,
                lookupInProcessMicroseconds: pair(result.inProcessMicroseconds), sqlInProcessMicroseconds: pair(result.rawInProcessMicroseconds),
                customersShowMilliseconds: pair(result.cliMilliseconds), sqlite3CLIMilliseconds: result.sqlite3Milliseconds.map(pair),
                idleDaemonMiB: result.idleDaemonBytes.map { Double($0) / mebibyte }
            )
            if json {
                try Output.json(report)
                return
            }
            print(String(format: "footprint: %d local profiles (journal.sqlite %.0f MiB)", report.profiles, report.databaseMiB))
            var rows = [[
                "card lookup in-process vs SQL via GRDB",
                String(format: "%.0f / %.0f us", result.inProcessMicroseconds.p50, result.inProcessMicroseconds.p99),
                String(format: "%.0f / %.0f us", result.rawInProcessMicroseconds.p50, result.rawInProcessMicroseconds.p99),
                String(format: "%.2fx", result.inProcessMicroseconds.p50 / result.rawInProcessMicroseconds.p50),
            ]]
            if let baseline = result.sqlite3Milliseconds {
                rows.append([
                    "customers show --card vs sqlite3 CLI",
                    String(format: "%.1f / %.1f ms", result.cliMilliseconds.p50, result.cliMilliseconds.p99),
                    String(format: "%.1f / %.1f ms", baseline.p50, baseline.p99),
                    String(format: "%.2fx", result.cliMilliseconds.p50 / baseline.p50),
                ])
            }
            Output.table(headers: ["PATH", "OMNISYNC p50 / p99", "BASELINE p50 / p99", "RATIO (p50)"], rows: rows)
            print(report.idleDaemonMiB.map { String(format: "idle daemon (omnisync-agent run): %.1f MiB resident", $0) } ?? "idle daemon memory: unknown")
        }
    }
}
