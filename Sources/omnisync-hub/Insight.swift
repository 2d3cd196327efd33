import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncInsight

struct InsightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight",
        abstract: "Predictive insight: who will come back, what they are worth, who is alike, what they buy next.",
        discussion: """
            The hub fits BG/NBD (purchases and dropout), Gamma-Gamma (spend per purchase), K-means (behaviour \
            clusters) and item-to-item recommendations on every customer's history, and writes each customer's \
            predictions into their profile, so the tills show them offline (`customers show`). `serve` refits once a \
            day and places new buyers hourly. Definitions and how to read them: docs/insight.md.

            Examples:
              omnisync-hub insight refit
              omnisync-hub insight show --json
            """,
        subcommands: [Refit.self, Show.self]
    )

    struct Refit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit every model again now and rewrite every customer's predictions.",
            discussion: """
                Reads every customer's sales, fits the models and writes each buyer's insight where it changed (those \
                profiles reach their stores' tills with the next pull). --clusters sets the number of clusters and \
                keeps it for the scheduled refits; --clusters auto lets the silhouette choose again.

                Examples:
                  omnisync-hub insight refit
                  omnisync-hub insight refit --clusters 5 --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "Number of clusters (2-20), or auto to choose by silhouette (the default until set).") var clusters: String?
        @Flag(help: "Print { kind, customers, profilesChanged, models, seconds } as JSON.") var json = false

        func validate() throws {
            if let clusters, clusters != "auto", Int(clusters).map({ (2...20).contains($0) }) != true {
                throw ValidationError("--clusters must be a number from 2 to 20, or auto")
            }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let store = try await hub.openStore()
                let k: Int? = clusters.map { $0 == "auto" ? 0 : Int($0)! }
                let report = try await Progress("fitting the insight models…").whileRunning {
                    try await InsightRefresher(store: store).refit(at: Date(), clusters: k)
                }
                if json {
                    try Output.json(report)
                } else {
                    let total = report.seconds.read + report.seconds.compute + report.seconds.write
                    print(String(
                        format: "refitted on %d customers with a purchase in %.1f s (read %.1f, fit %.1f, write %.1f): %d profiles sent to the tills",
                        report.customers, total, report.seconds.read, report.seconds.compute, report.seconds.write, report.profilesChanged
                    ))
                    InsightCommand.printModels(report.models)
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The models the last refit fitted: parameters, clusters, and what could not be fitted.",
            discussion: """
                Examples:
                  omnisync-hub insight show
                  omnisync-hub insight show --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print { models, watermark } as JSON (null before the first refit).") var json = false

        struct Listing: Encodable {
            var models: InsightModels?
            var watermark: Int64?
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let state = try await hub.openStore().insightState()
                if json {
                    try Output.json(Listing(models: state?.models, watermark: state?.watermark))
                } else if let state {
                    print("fitted \(RFC3339.format(state.models.fittedAt)) on \(state.models.customers) customers with a purchase")
                    InsightCommand.printModels(state.models)
                } else {
                    print("no models yet: run `omnisync-hub insight refit` (serve refits once a day)")
                }
            }
        }
    }

    /// The models in a few lines, in plain units.
    static func printModels(_ models: InsightModels) {
        let perUnit = Double(models.currency?.minorUnitsPerUnit ?? 100)
        let currency = models.currency?.rawValue ?? ""
        if let model = models.bgnbd {
            print(String(
                format: "BG/NBD       r %.4f  alpha %.3f days  a %.4f  b %.4f  (log-likelihood %.1f)", model.r, model.alpha, model.a, model.b,
                models.bgnbdLogLikelihood ?? .nan
            ))
        }
        if let model = models.gammaGamma {
            print(String(format: "Gamma-Gamma  p %.4f  q %.4f  gamma %.2f %@", model.p, model.q, model.gamma / perUnit, currency))
        }
        if let clusters = models.clusters {
            let how = clusters.chosenByOperator
                ? "set by the operator"
                : "by silhouette: " + clusters.silhouettes.sorted { $0.key < $1.key }.map { String(format: "%d %.3f", $0.key, $0.value) }.joined(separator: ", ")
            print("clusters     k \(clusters.centroids.count) (\(how)); sizes \(clusters.sizes.map(String.init).joined(separator: ", "))")
        }
        let withNeighbours = models.recommender.neighbours.count(where: { !$0.isEmpty })
        print("recommend    \(withNeighbours) of \(models.recommender.skus.count) SKUs with co-purchase neighbours; best sellers for \(models.recommender.popular.count - 1) stores")
        for note in models.notes { print("note: \(note)") }
    }
}
