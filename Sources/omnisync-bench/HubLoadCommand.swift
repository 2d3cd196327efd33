import ArgumentParser
import Foundation
import Histogram
import OmnisyncCLISupport
import OmnisyncCore

struct HubLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hubload",
        abstract: "500 terminals pushing small batches to one hub at once, next to the same load on /healthz.",
        discussion: """
            Starts `omnisync-hub serve` (from --bin) and drives one HTTPS connection per simulated terminal with \
            libcurl's multi interface from this process. Prints pushes and entries per second, latency percentiles \
            (HdrHistogram), the hub's peak memory, and checks every terminal ends acknowledged exactly up to its last entry.
            """
    )

    @Option(help: "Scratch directory (default .build/bench-scratch/hubload).") var dir = ".build/bench-scratch/hubload"
    @Option(help: "Directory holding omnisync-hub (default: this executable's).") var bin: String?
    @Option(help: "Simulated terminals, each on its own connection.") var terminals = 500
    @Option(help: "Pushes each terminal makes, one after the other.") var pushes = 20
    @Option(help: "Entries per push.") var batch = 5
    @Option(help: "The hub's --database (a fresh postgres://... database; default: embedded SQLite).") var database: String?
    @Option(help: "Hub replicas serving the load, terminals spread over them (needs --database postgres://...).") var replicas = 1
    @Flag(help: "A small run (50 terminals, 5 pushes each) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Accepted for symmetry with the other benchmarks; runs once.") var repetitions = 1
    @Flag(help: "Print JSON.") var json = false

    struct Figures: Encodable {
        var requests: Int
        var failures: Int
        var perSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
    }

    struct Report: Encodable {
        var terminals: Int
        var entriesPerPush: Int
        var pushes: Figures
        var entriesPerSecond: Double
        var healthz: Figures
        var hubPeakMiB: Double?
        var exactlyOnce: Bool
    }

    func validate() throws {
        guard terminals >= 1, pushes >= 1, (1...500).contains(batch) else {
            throw ValidationError("--terminals and --pushes must be at least 1, --batch from 1 to 500")
        }
        guard (1...8).contains(replicas), replicas == 1 || database?.hasPrefix("postgres") == true else {
            throw ValidationError("--replicas is 1 to 8, and more than 1 needs --database postgres://...")
        }
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            let binaries = bin ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
            guard FileManager.default.isExecutableFile(atPath: binaries + "/omnisync-hub") else {
                throw BenchError("no omnisync-hub in \(binaries) (build it in release, or pass --bin)")
            }
            let benchmark = HubLoadBenchmark(
                terminals: quick ? 50 : terminals, pushesPerTerminal: quick ? 5 : pushes, entriesPerPush: batch,
                directory: URL(fileURLWithPath: dir).standardizedFileURL.path, binaries: binaries, database: database, replicas: replicas
            )
            let result = try await benchmark.run { Output.progress($0) }
            Output.endProgress()
            func figures(_ run: CurlMultiLoad.Result) -> Figures {
                Figures(
                    requests: run.requests, failures: run.failures, perSecond: Double(run.requests) / run.elapsed.seconds,
                    p50Milliseconds: Double(run.latency.valueAtPercentile(50)) / 1000, p99Milliseconds: Double(run.latency.valueAtPercentile(99)) / 1000,
                    maxMilliseconds: Double(run.latency.max) / 1000
                )
            }
            let pushFigures = figures(result.pushes)
            let report = Report(
                terminals: benchmark.terminals, entriesPerPush: benchmark.entriesPerPush, pushes: pushFigures,
                entriesPerSecond: pushFigures.perSecond * Double(benchmark.entriesPerPush), healthz: figures(result.health),
                hubPeakMiB: result.hubPeakBytes.map { Double($0) / 1024 / 1024 }, exactlyOnce: result.acknowledgedEverything
            )
            if json {
                try Output.json(report)
            } else {
                let backend = database == nil ? "embedded SQLite" : "PostgreSQL, \(replicas) replica\(replicas == 1 ? "" : "s")"
                print("hub load (\(backend)): \(report.terminals) terminals on their own HTTPS connections, \(benchmark.pushesPerTerminal) pushes of \(report.entriesPerPush) entries each")
                func row(_ name: String, _ figures: Figures) -> [String] {
                    [name, String(format: "%.0f", figures.perSecond), String(format: "%.1f", figures.p50Milliseconds),
                     String(format: "%.1f", figures.p99Milliseconds), String(format: "%.1f", figures.maxMilliseconds), "\(figures.failures)"]
                }
                Output.table(
                    headers: ["REQUEST", "PER SECOND", "P50 MS", "P99 MS", "MAX MS", "FAILED"],
                    rows: [row("POST /v1/push", report.pushes), row("GET /healthz (baseline)", report.healthz)]
                )
                print(String(format: "entries/s %.0f; pushes at %.2fx the rate of /healthz; hub peak memory %@; every terminal acknowledged exactly to its last entry: %@",
                             report.entriesPerSecond, report.pushes.perSecond / report.healthz.perSecond,
                             report.hubPeakMiB.map { String(format: "%.1f MiB", $0) } ?? "unknown", report.exactlyOnce ? "yes" : "NO"))
            }
            if let failure = result.pushes.firstFailure ?? result.health.firstFailure {
                throw BenchError("\(result.pushes.failures + result.health.failures) requests failed, first: \(failure)")
            }
            guard report.exactlyOnce else { throw BenchError("some terminal's acknowledged sequence is not its last entry") }
        }
    }
}
