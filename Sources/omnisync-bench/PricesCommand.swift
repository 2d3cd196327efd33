import ArgumentParser
import Foundation
import OmnisyncCLISupport

struct PricesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Price lists: import, a till's whole-list and 1% rounds, lookups and sales at the till; each next to raw SQLite.",
        discussion: """
            Imports a seeded list of --skus SKUs (store, region and member prices, 40 promotions) with `omnisync-hub prices import`, \
            then times `omnisync-agent sync` bringing the whole list to a new till over HTTPS on loopback, and again after a \
            1% price change, next to raw SQLite inserting the same rows in one transaction. At the till: `prices show`'s lookup \
            (in process) next to one primary-key read through the C API, and recording a three-line sale with the price-list \
            check next to a till without a list.
            """
    )

    @Option(help: "Scratch directory (default .build/bench-scratch/prices).") var dir = ".build/bench-scratch/prices"
    @Option(help: "Directory holding omnisync-hub and omnisync-agent (default: this executable's).") var bin: String?
    @Option(help: "SKUs in the list.") var skus = 100_000
    @Flag(help: "A small run (5,000 SKUs) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Accepted for symmetry with the other benchmarks; runs once.") var repetitions = 1
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard skus >= 1000 else { throw ValidationError("--skus must be at least 1000") }
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            let binaries = bin ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
            for tool in ["omnisync-hub", "omnisync-agent"] where !FileManager.default.isExecutableFile(atPath: binaries + "/" + tool) {
                throw BenchError("no \(tool) in \(binaries) (build it in release, or pass --bin)")
            }
            let benchmark = PricesBenchmark(skus: quick ? 5000 : skus, directory: URL(fileURLWithPath: dir).standardizedFileURL.path, binaries: binaries)
            let report = try await benchmark.run { Output.progress($0) }
            Output.endProgress()
            if json {
                try Output.json(report)
                return
            }
            print("prices: \(report.skus) SKUs, \(report.rows) rows at the till")
            Output.table(
                headers: ["STEP", "OMNISYNC", "BASELINE", "RATIO"],
                rows: [
                    ["omnisync-hub prices import (whole file)", String(format: "%.2f s", report.importSeconds), "-", "-"],
                    ["first round: whole list to a new till vs raw SQLite inserting its rows",
                     String(format: "%.2f s", report.wholeRoundSeconds), String(format: "%.2f s", report.rawInsertSeconds),
                     String(format: "%.1fx", report.wholeRoundSeconds / report.rawInsertSeconds)],
                    ["next round after a 1% change (\(report.deltaRows) SKUs)", String(format: "%.2f s", report.deltaRoundSeconds), "-", "-"],
                    ["prices show at the till, p50 vs one raw key read",
                     String(format: "%.0f us", report.lookupMicrosP50), String(format: "%.0f us", report.rawLookupMicrosP50),
                     String(format: "%.1fx", report.lookupMicrosP50 / report.rawLookupMicrosP50)],
                    ["record a 3-line sale, p50, vs a till without a list",
                     String(format: "%.2f ms", report.recordMillisP50), String(format: "%.2f ms", report.recordWithoutListMillisP50),
                     String(format: "%.2fx", report.recordMillisP50 / report.recordWithoutListMillisP50)],
                ]
            )
            print(String(format: "prices show p99 %.0f us; peak memory: agent sync %.1f MiB, hub %@", report.lookupMicrosP99, report.agentPeakMiB,
                         report.hubPeakMiB.map { String(format: "%.1f MiB", $0) } ?? "unknown"))
        }
    }
}
