import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncInsight

struct InsightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight",
        abstract: "Predictive insight: BG/NBD, Gamma-Gamma and K-means fits on a million customers, recommendations' hit rate, a hub's refit and one order.",
        discussion: """
            Simulates --customers histories from known BG/NBD parameters and times the fits (next to lifetimes' BetaGeoFitter on \
            the same histories), K-means on their behaviour as the hub runs it (k by silhouette on a sample, then every customer; \
            next to scikit-learn's KMeans with the same k), the hit rate @10 of item-to-item recommendations on held-out baskets \
            next to the best sellers, and at a SQLite hub of --hub-customers web customers, a whole refit next to placing the \
            customer of one new order. The baselines need --reference scripts/python-reference (scripts/bench passes it).
            """
    )

    @Option(help: "Scratch directory (default .build/bench-scratch/insight).") var dir = ".build/bench-scratch/insight"
    @Option(help: "Customers for the model fits.") var customers = 1_000_000
    @Option(help: "Customers for the recommendations' hit rate.") var recommendationCustomers = 200_000
    @Option(help: "Web customers at the benchmark's hub.") var hubCustomers = 20_000
    @Option(help: "scripts/python-reference, for the lifetimes and scikit-learn baselines.") var reference: String?
    @Flag(help: "A small run (50,000 customers, 20,000 shoppers, a 2,000-customer hub) that only checks the benchmark works.") var quick = false
    @Option(name: .customLong("repeat"), help: "Accepted for symmetry with the other benchmarks; runs once.") var repetitions = 1
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard customers >= 1_000, recommendationCustomers >= 1_000, hubCustomers >= 100 else {
            throw ValidationError("--customers and --recommendation-customers must be at least 1000, --hub-customers at least 100")
        }
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-bench") {
            let benchmark = InsightBenchmark(
                customers: quick ? 50_000 : customers, recommendationCustomers: quick ? 20_000 : recommendationCustomers,
                hubCustomers: quick ? 2_000 : hubCustomers, directory: URL(fileURLWithPath: dir).standardizedFileURL.path, reference: reference
            )
            let report = try await benchmark.run { Output.progress($0) }
            Output.endProgress()
            if json {
                try Output.json(report)
                return
            }
            func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f s", $0) } ?? "-" }
            func ratio(_ mine: Double, _ theirs: Double?) -> String { theirs.map { String(format: "%.2fx", mine / $0) } ?? "-" }
            print("insight: \(report.customers) customers (\(report.bgnbdDistinctHistories) distinct BG/NBD histories); peak memory \(String(format: "%.0f MiB", report.peakMiB))")
            Output.table(
                headers: ["STEP", "OMNISYNC", "BASELINE", "RATIO"],
                rows: [
                    ["BG/NBD fit vs lifetimes' BetaGeoFitter", seconds(report.bgnbdSeconds), seconds(report.lifetimesSeconds),
                     ratio(report.bgnbdSeconds, report.lifetimesSeconds)],
                    ["Gamma-Gamma fit", seconds(report.gammaGammaSeconds), "-", "-"],
                    ["K-means: choosing k by silhouette (2-8, on a 20,000 sample)", seconds(report.kmeansChooseKSeconds), "-", "-"],
                    ["K-means on all (k = \(report.kmeansK), \(report.kmeansRestarts) restarts) vs scikit-learn KMeans", seconds(report.kmeansSeconds),
                     seconds(report.scikitLearnSeconds), ratio(report.kmeansSeconds, report.scikitLearnSeconds)],
                    ["K-means inertia vs scikit-learn's", String(format: "%.0f", report.kmeansInertia),
                     report.scikitLearnInertia.map { String(format: "%.0f", $0) } ?? "-", ratio(report.kmeansInertia, report.scikitLearnInertia)],
                    ["hit rate @10 (\(report.recommendationCustomers) customers) vs the best sellers", String(format: "%.3f", report.hitRate),
                     String(format: "%.3f", report.popularityHitRate), String(format: "%.1fx", report.hitRate / max(report.popularityHitRate, 1e-9))],
                    ["hub (\(report.hubCustomers) customers): one new order placed vs a whole refit", String(format: "%.1f ms", report.hubOneOrderSeconds * 1000),
                     seconds(report.hubRefitSeconds), String(format: "%.4fx", report.hubOneOrderSeconds / report.hubRefitSeconds)],
                ]
            )
            let fitted = report.bgnbd
            let truth = report.bgnbdTruth
            print(String(
                format: "BG/NBD fitted r %.3f alpha %.2f a %.3f b %.3f (simulated from r %.3f alpha %.2f a %.3f b %.3f)", fitted.r, fitted.alpha, fitted.a, fitted.b,
                truth.r, truth.alpha, truth.a, truth.b
            ))
            if let theirs = report.lifetimesParams {
                print(String(format: "lifetimes fitted r %.3f alpha %.2f a %.3f b %.3f", theirs["r"] ?? .nan, theirs["alpha"] ?? .nan, theirs["a"] ?? .nan, theirs["b"] ?? .nan))
            }
            print(String(format: "recommendations computed and evaluated in %.1f s", report.recommendationSeconds))
        }
    }
}
