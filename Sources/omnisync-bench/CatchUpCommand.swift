import ArgumentParser
import Foundation
import OmnisyncCLISupport

struct CatchUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catchup",
        abstract: "Catch-up: a large backlog synced over HTTPS on loopback, next to the hub store's direct and raw SQLite batched ingest.",
        discussion: """
            Starts `omnisync-hub serve` and runs `omnisync-agent sync` (both from --bin) as processes, with the hub's \
            development CA pinned. Prints entries per second end to end, the hub store ingesting the same 500-entry \
            batches without HTTP/TLS/gzip, raw SQLite inserting the same rows 500 per transaction, and the peak \
            memory of the agent's sync and of the hub.
            """
    )

    @Option(help: "Scratch directory (default .build/bench-scratch/catchup).") var dir = ".build/bench-scratch/catchup"
    @Option(help: "Directory holding omnisync-hub and omnisync-agent (default: this executable's).") var bin: String?
    @Option(help: "Backlog size.") var entries = 100_000
    @Flag(help: "A small run (5,000 entries) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Accepted for symmetry with the other benchmarks; a catch-up runs once.") var repetitions = 1
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var entries: Int
        var syncEntriesPerSecond: Double
        var hubStoreEntriesPerSecond: Double
        var rawSQLiteEntriesPerSecond: Double
        var agentPeakMiB: Double
        var hubPeakMiB: Double?
    }

    func validate() throws {
        guard entries >= 500 else { throw ValidationError("--entries must be at least 500") }
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            let binaries = bin ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
            for tool in ["omnisync-hub", "omnisync-agent"] where !FileManager.default.isExecutableFile(atPath: binaries + "/" + tool) {
                throw BenchError("no \(tool) in \(binaries) (build it in release, or pass --bin)")
            }
            let benchmark = CatchUpBenchmark(
                entries: quick ? 5000 : entries, directory: URL(fileURLWithPath: dir).standardizedFileURL.path, binaries: binaries
            )
            let result = try await benchmark.run { Output.progress($0) }
            Output.endProgress()
            let mebibyte = 1024.0 * 1024
            let report = Report(
                entries: benchmark.entries, syncEntriesPerSecond: result.syncPerSecond, hubStoreEntriesPerSecond: result.storePerSecond,
                rawSQLiteEntriesPerSecond: result.rawPerSecond, agentPeakMiB: Double(result.agentPeakBytes) / mebibyte,
                hubPeakMiB: result.hubPeakBytes.map { Double($0) / mebibyte }
            )
            if json {
                try Output.json(report)
                return
            }
            print("catch-up: \(report.entries) pending entries, batches of 500, gzip, HTTPS on loopback")
            Output.table(
                headers: ["PATH", "ENTRIES/S", "VS RAW"],
                rows: [
                    ["omnisync-agent sync -> omnisync-hub serve", String(format: "%.0f", report.syncEntriesPerSecond),
                     String(format: "%.3fx", report.syncEntriesPerSecond / report.rawSQLiteEntriesPerSecond)],
                    ["hub store ingesting the batches directly", String(format: "%.0f", report.hubStoreEntriesPerSecond),
                     String(format: "%.3fx", report.hubStoreEntriesPerSecond / report.rawSQLiteEntriesPerSecond)],
                    ["raw SQLite, 500 rows per transaction (baseline)", String(format: "%.0f", report.rawSQLiteEntriesPerSecond), "1x"],
                ]
            )
            print(String(format: "peak memory: agent sync %.1f MiB, hub %@", report.agentPeakMiB, report.hubPeakMiB.map { String(format: "%.1f MiB", $0) } ?? "unknown"))
        }
    }
}
