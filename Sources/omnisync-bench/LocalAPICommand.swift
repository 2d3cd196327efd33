import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore

struct LocalAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "localapi",
        abstract: "The daemon's local API with many tills at once (group commit), next to the record API's one transaction per sale.",
        discussion: """
            Both sides answer only once a sale is durable (synchronous=FULL). Ours: `omnisync-agent run` serving the local \
            API on loopback, --callers tills each sending their share of the sales over HTTP, one request per connection. \
            Baseline: the same sales through the record API in-process, one transaction each, one after another (what a \
            single writer without group commit does). Checks that every answered sale is in the journal, numbered without a gap.
            """
    )

    @Option(help: "Scratch directory on the file system to measure (default .build/bench-scratch).") var dir = ".build/bench-scratch"
    @Option(help: "The omnisync-agent executable (default: next to this one).") var agent: String?
    @Option(help: "Tills calling at once.") var callers = 16
    @Flag(help: "A small run (320 sales) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Repetitions, interleaved; each side keeps its best.") var repetitions = 3
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        var sales: Int
        var callers: Int
        var localAPIEntriesPerSecond: Double
        var recordAPIEntriesPerSecond: Double
        var ratio: Double
        var requestMilliseconds: CaptureCommand.Percentiles
        var everyAnsweredSaleStoredGapless: Bool
    }

    func validate() throws {
        guard (1...256).contains(callers) else { throw ValidationError("--callers must be between 1 and 256") }
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let scratch = URL(fileURLWithPath: dir).standardizedFileURL.path
            let executable = agent ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("omnisync-agent").path
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw BenchError("no omnisync-agent at \(executable) (build it, or pass --agent)")
            }
            var benchmark = LocalAPIBenchmark(callers: callers, directory: scratch, agentExecutable: executable)
            benchmark.entries = (quick ? 320 : 2000) / callers * callers
            var bestAPI: LocalAPIBenchmark.Result?
            var bestRecord = 0.0
            for round in 1...max(1, repetitions) {
                Output.progress("localapi: round \(round) of \(max(1, repetitions))")
                let api = try await benchmark.runLocalAPI(in: scratch + "/localapi-agent")
                if api.apiPerSecond > (bestAPI?.apiPerSecond ?? 0) { bestAPI = api }
                bestRecord = max(bestRecord, try benchmark.runRecordAPI(in: scratch + "/record-agent"))
            }
            Output.endProgress()
            guard let api = bestAPI else { return }
            let report = Report(
                sales: benchmark.entries, callers: callers, localAPIEntriesPerSecond: api.apiPerSecond, recordAPIEntriesPerSecond: bestRecord,
                ratio: api.apiPerSecond / bestRecord,
                requestMilliseconds: .init(
                    p50: ProcessLatency.percentile(0.5, of: api.latencies).seconds * 1000,
                    p99: ProcessLatency.percentile(0.99, of: api.latencies).seconds * 1000
                ),
                everyAnsweredSaleStoredGapless: api.gapless
            )
            if json {
                try Output.json(report)
                return
            }
            print("localapi: \(report.sales) sales, durable before each answer, best of \(max(1, repetitions)) interleaved runs, in \(scratch)")
            Output.table(
                headers: ["PATH", "OMNISYNC", "BASELINE", "RATIO"],
                rows: [
                    ["local API, \(callers) till\(callers == 1 ? "" : "s") at once vs record API, one transaction each", String(format: "%.0f entries/s", report.localAPIEntriesPerSecond),
                     String(format: "%.0f entries/s", report.recordAPIEntriesPerSecond), String(format: "%.2fx", report.ratio)],
                    ["local API request, p50 / p99", String(format: "%.1f / %.1f ms", report.requestMilliseconds.p50, report.requestMilliseconds.p99), "-", "-"],
                ]
            )
            print("every answered sale is in the journal, numbered without a gap: \(report.everyAnsweredSaleStoredGapless ? "yes" : "NO")")
            if !report.everyAnsweredSaleStoredGapless { throw BenchError("answered sales are missing from the journal") }
        }
    }
}
