import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Recompute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score every customer now: RFM quintiles, segment, tier, lifecycle stage, churn risk, interests.",
        discussion: """
            Reads the counters the hub keeps as sales and orders arrive (and the tier window's orders), and writes \
            only the customers whose answers changed; a changed tier, segment or stage reaches the tills of the \
            stores that know the customer with their next pull. Then running campaigns draw the customers who entered \
            their audience. `serve --recompute-interval` runs it on a schedule. \
            Definitions: docs/crm.md.

            Examples:
              omnisync-hub recompute
              omnisync-hub recompute --json
            """
    )

    @OptionGroup var hub: HubOptions
    @Flag(help: "Print { customers, activeBase, changed, profilesChanged, interestsRead, seconds, campaignMembersJoined } as JSON.") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-hub") {
            let store = try await hub.openStore()
            var report = try await Progress("scoring customers…").whileRunning { try await store.recompute(at: Date()) }
            report.campaignMembersJoined = try await Progress("drawing campaign members…").whileRunning { try await store.assignCampaignMembers(at: Date()) }
            if json {
                try Output.json(report)
            } else {
                print(String(
                    format: "scored %d customers (%d who bought) in %.1f s: %d changed, %d profiles sent to the tills, interests read for %d",
                    report.customers, report.activeBase, report.seconds, report.changed, report.profilesChanged, report.interestsRead
                ))
                if report.campaignMembersJoined > 0 { print("\(report.campaignMembersJoined) customers joined running campaigns") }
            }
        }
    }
}

struct Segments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Customers per segment, tier and lifecycle stage (the default), or the behaviour clusters.",
        discussion: """
            Examples:
              omnisync-hub segments
              omnisync-hub segments --json
              omnisync-hub segments clusters
            """,
        subcommands: [Counts.self, Clusters.self],
        defaultSubcommand: Counts.self
    )

    struct Counts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Customers per segment, tier and lifecycle stage, as the last recompute left them.",
            discussion: """
                Examples:
                  omnisync-hub segments counts
                  omnisync-hub segments --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print { segments, tiers, lifecycle, churnRisk } as JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let counts = try await hub.openStore().segmentCounts()
                if json {
                    try Output.json(counts)
                    return
                }
                func rows(_ title: String, _ counts: [String: Int]) -> [[String]] {
                    counts.sorted { $0.key < $1.key }.map { [title, $0.key, String($0.value)] }
                }
                Output.table(
                    headers: ["BY", "VALUE", "CUSTOMERS"],
                    rows: rows("segment", counts.segments) + rows("tier", counts.tiers) + rows("lifecycle", counts.lifecycle)
                        + [["churn risk", "flagged", String(counts.churnRisk)]]
                )
            }
        }
    }

    struct Clusters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The behaviour clusters beside RFM: size, centre in plain units, most distinctive features.",
            discussion: """
                Clusters are found by K-means on standardised behaviour (recency, purchase days, spend, basket size,                 online share, the largest categories' shares) at each refit (`omnisync-hub insight refit`); each                 customer's cluster travels to the tills with their profile. docs/insight.md says how to read them.

                Examples:
                  omnisync-hub segments clusters
                  omnisync-hub segments clusters --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print [{ cluster, customers, centroid, distinctive: [{ feature, deviations, value }] }] as JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let store = try await hub.openStore()
                guard let model = try await store.insightState()?.models.clusters else {
                    throw HubError(.notFound, "no clusters yet: run `omnisync-hub insight refit` (it needs at least 10 customers with a purchase)")
                }
                let clusters = ClusterDescription.describe(model, counts: try await store.clusterCounts())
                if json {
                    try Output.json(clusters)
                    return
                }
                Output.table(
                    headers: ["CLUSTER", "CUSTOMERS", "WHAT SETS IT APART"],
                    rows: clusters.map { [String($0.cluster), String($0.customers), $0.summary] }
                )
            }
        }
    }
}
