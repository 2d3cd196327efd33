import ArgumentParser
import Foundation
import OmnisyncCLISupport

struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Profile merge: local writes and full-state merges of 3 replicas, next to Loro and Yrs.",
        discussion: """
            The workload of ../shared/bench/merge-workload.md. The baselines run from bench/merge_baseline.py with \
            --python (a Python with the loro and pycrdt packages; scripts/bench installs them), in this same run.
            """
    )

    @Option(help: "Python interpreter with loro and pycrdt installed, for the baselines.") var python: String?
    @Option(help: "The baseline script.") var baselineScript = "bench/merge_baseline.py"
    @Flag(help: "A smaller workload (500 profiles, 5,000 writes per replica) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Repetitions; the best of them is reported, for every contender alike.") var repetitions = 3
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            var benchmark = MergeBenchmark()
            if quick {
                benchmark.profiles = 500
                benchmark.writes = 5000
            }
            // Repetitions interleave the contenders, so a noisy moment on this
            // shared machine does not land on one side only; each keeps its best.
            var best: MergeBenchmark.Result?
            var baselines: [String: Baseline] = [:]
            for _ in 0..<max(1, repetitions) {
                let result = try benchmark.run()
                best = best.map {
                    MergeBenchmark.Result(
                        localOpsPerSecond: max($0.localOpsPerSecond, result.localOpsPerSecond),
                        mergeOpsPerSecond: max($0.mergeOpsPerSecond, result.mergeOpsPerSecond),
                        digests: result.digests
                    )
                } ?? result
                if let python {
                    for (name, run) in try runBaselines(python: python, benchmark: benchmark) {
                        baselines[name] = baselines[name].map { $0.keepingBest(of: run) } ?? run
                    }
                }
            }
            let ours = best!
            if json {
                try Output.json(Report(workload: benchmark, omnisync: ours, baselines: baselines))
                return
            }
            print("merge workload: \(benchmark.replicas) replicas, \(benchmark.profiles) profiles, \(benchmark.writes) writes per replica, best of \(max(1, repetitions)) interleaved runs")
            var rows = [["omnisync", rate(ours.localOpsPerSecond), rate(ours.mergeOpsPerSecond), "-", "-", converged(ours.digests)]]
            for (name, baseline) in baselines.sorted(by: { $0.key < $1.key }) {
                if let error = baseline.error {
                    rows.append([name, "unavailable: \(error)", "", "", "", ""])
                    continue
                }
                rows.append([
                    name, rate(baseline.localOpsPerSecond), rate(baseline.mergeOpsPerSecond),
                    String(format: "%.1fx", ours.localOpsPerSecond / baseline.localOpsPerSecond),
                    String(format: "%.1fx", ours.mergeOpsPerSecond / baseline.mergeOpsPerSecond),
                    converged(baseline.digests),
                ])
            }
            Output.table(headers: ["ENGINE", "LOCAL OPS/S", "MERGE OPS/S", "OMNISYNC/LOCAL", "OMNISYNC/MERGE", "CONVERGED"], rows: rows)
            print("omnisync digests: \(ours.digests.joined(separator: " "))")
            if python == nil { print("(no --python given: baselines not run)") }
        }
    }

    func rate(_ value: Double) -> String { String(format: "%.0fk", value / 1000) }

    func converged(_ digests: [String]) -> String {
        Set(digests).count == 1 ? "yes (\(digests[0]))" : "NO: \(digests.joined(separator: " "))"
    }

    /// Runs the Python baselines over the same workload shape.
    func runBaselines(python: String, benchmark: MergeBenchmark) throws -> [String: Baseline] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            baselineScript, "--replicas", String(benchmark.replicas), "--profiles", String(benchmark.profiles),
            "--writes", String(benchmark.writes), "--seed", String(benchmark.seed), "--repeat", "1",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("the baseline script failed (exit \(process.terminationStatus)); run it by hand: \(python) \(baselineScript)")
        }
        return try JSONDecoder().decode([String: Baseline].self, from: data)
    }

    struct Baseline: Codable {
        var localOpsPerSecond: Double
        var mergeOpsPerSecond: Double
        var digests: [String]
        var error: String?

        func keepingBest(of other: Baseline) -> Baseline {
            guard error == nil, other.error == nil else { return error == nil ? self : other }
            var best = self
            best.localOpsPerSecond = max(localOpsPerSecond, other.localOpsPerSecond)
            best.mergeOpsPerSecond = max(mergeOpsPerSecond, other.mergeOpsPerSecond)
            return best
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            error = try container.decodeIfPresent(String.self, forKey: .error)
            localOpsPerSecond = try container.decodeIfPresent(Double.self, forKey: .localOpsPerSecond) ?? 0
            mergeOpsPerSecond = try container.decodeIfPresent(Double.self, forKey: .mergeOpsPerSecond) ?? 0
            digests = try container.decodeIfPresent([String].self, forKey: .digests) ?? []
        }
    }

    struct Report: Encodable {
        struct Figures: Encodable {
            var localOpsPerSecond: Double
            var mergeOpsPerSecond: Double
            var digests: [String]
        }

        var replicas: Int
        var profiles: Int
        var writesPerReplica: Int
        var omnisync: Figures
        var baselines: [String: Baseline]

        init(workload: MergeBenchmark, omnisync: MergeBenchmark.Result, baselines: [String: Baseline]) {
            replicas = workload.replicas
            profiles = workload.profiles
            writesPerReplica = workload.writes
            self.omnisync = Figures(localOpsPerSecond: omnisync.localOpsPerSecond, mergeOpsPerSecond: omnisync.mergeOpsPerSecond, digests: omnisync.digests)
            self.baselines = baselines
        }
    }
}
