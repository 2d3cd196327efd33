public import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

extension SatisfactionGrouping: ExpressibleByArgument {}

struct SatisfactionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satisfaction",
        abstract: "Customer satisfaction from tills and kiosks: answers, NPS and mean score with 95% intervals.",
        discussion: """
            NPS is the share of promoters (9-10) minus the share of detractors (0-6), in points from -100 to 100. \\
            Intervals are 95%, normal approximations; a group with few answers has a wide one. Definitions: docs/campaigns.md.

            Examples:
              omnisync-hub satisfaction
              omnisync-hub satisfaction --by store
              omnisync-hub satisfaction --by month --json
            """
    )

    @OptionGroup var hub: HubOptions
    @Option(help: "Split the answers by store, segment or month (default: all together).") var by: SatisfactionGrouping = .all
    @Flag(help: "Print [{ group, count, promoters, detractors, nps, meanScore }] as JSON (nps and meanScore: { estimate, low, high }).") var json = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-hub") {
            let groups = try await hub.openStore().satisfaction(by: by)
            if json {
                try Output.json(groups)
                return
            }
            guard !groups.isEmpty else {
                print("no feedback yet")
                return
            }
            Output.table(
                headers: [by == .all ? "" : by.rawValue.uppercased(), "ANSWERS", "NPS [95%]", "MEAN SCORE [95%]"].filter { !$0.isEmpty },
                rows: groups.map { group in
                    let figures = group.satisfaction
                    let nps = figures.nps.map { String(format: "%+.0f [%+.0f, %+.0f]", $0.estimate, $0.low, $0.high) } ?? "-"
                    let mean = figures.meanScore.map { String(format: "%.1f [%.1f, %.1f]", $0.estimate, $0.low, $0.high) } ?? "-"
                    return (by == .all ? [] : [group.group]) + [String(figures.count), nps, mean]
                }
            )
        }
    }
}
