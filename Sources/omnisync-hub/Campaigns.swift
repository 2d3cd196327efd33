import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Campaigns: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Targeted offers: who they are for, what they give, and a holdout group to measure them.",
        discussion: """
            A campaign's members are drawn once each, as customers enter its audience: most are treated (the offer \
            reaches their profile, and the tills of the stores that know them, with the next pull), a share is held \
            out (they see nothing; the report compares the groups). Definitions: docs/campaigns.md.

            Examples:
              omnisync-hub campaigns create --json-file spring.json
              omnisync-hub campaigns list
              omnisync-hub campaigns show 0193a5d2-7c1e-7000-8000-000000000001 --json
              omnisync-hub campaigns stop 0193a5d2-7c1e-7000-8000-000000000001
              omnisync-hub campaigns report 0193a5d2-7c1e-7000-8000-000000000001
            """,
        subcommands: [Create.self, List.self, Show.self, Stop.self, Report.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a campaign from its JSON and draw its members among today's customers.",
            discussion: """
                The JSON: {"name", "audience"?: {"segment"?, "tier"?, "lifecycle"?, "tags"?, "stores"?, "consent"?}, \
                "offer": {"percentOff"? | "amountOff"?, "pointsMultiplier"?, "pointsBonus"?, "skus"?}, "validFrom"?, \
                "validUntil", "usesPerCustomer"? (1), "holdout"? (0.1)}. Unknown fields are refused.

                Examples:
                  omnisync-hub campaigns create --json-file spring.json
                  echo '{"name":"VIP double points","audience":{"tier":"vip"},"offer":{"pointsMultiplier":2},"validUntil":"2027-06-01T00:00:00Z"}' | omnisync-hub campaigns create --json-file - --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(name: .customLong("json-file"), help: ArgumentHelp("The campaign's JSON; - reads standard input.", valueName: "FILE")) var jsonFile: String
        @Flag(help: "Print the campaign as `campaigns show --json` does (its id first).") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let data: Data
                if jsonFile == "-" {
                    data = FileHandle.standardInput.readDataToEndOfFile()
                } else {
                    guard let contents = FileManager.default.contents(atPath: jsonFile) else { throw HubError(.malformedRequest, "cannot read \(jsonFile)") }
                    data = contents
                }
                let definition: CampaignDefinition
                do {
                    definition = try WireCoding.decode(CampaignDefinition.self, from: data)
                } catch {
                    throw HubError(.malformedRequest, "invalid campaign: \(error); nothing was created")
                }
                let now = Date()
                if definition.validUntil <= now {
                    throw HubError(.malformedRequest, "validUntil \(RFC3339.format(definition.validUntil)) is already past; nothing was created")
                }
                let summary = try await Progress("creating the campaign and drawing its members…").whileRunning {
                    try await hub.openStore().createCampaign(definition, at: now)
                }
                if json {
                    try Output.json(summary)
                } else {
                    print(summary.campaign.id.rawValue)
                    Output.error("\(summary.campaign.definition.name): \(summary.treated) customers treated, \(summary.holdout) held out")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every campaign, newest first, with its groups and redemptions.",
            discussion: """
                Examples:
                  omnisync-hub campaigns list
                  omnisync-hub campaigns list --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print a JSON array of what `campaigns show --json` prints.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let summaries = try await hub.openStore().campaigns()
                if json {
                    try Output.json(summaries)
                } else if summaries.isEmpty {
                    Swift.print("no campaigns")
                } else {
                    Output.table(
                        headers: ["ID", "NAME", "STATUS", "OFFER", "UNTIL", "TREATED", "HOLDOUT", "REDEEMED"],
                        rows: summaries.map { summary in
                            [
                                summary.campaign.id.rawValue, summary.campaign.definition.name, summary.status, summary.campaign.definition.offer.description,
                                RFC3339.format(summary.campaign.validUntil), String(summary.treated), String(summary.holdout), String(summary.redemptions),
                            ]
                        }
                    )
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One campaign: its definition, status, groups and redemptions.",
            discussion: """
                Examples:
                  omnisync-hub campaigns show 0193a5d2-7c1e-7000-8000-000000000001
                  omnisync-hub campaigns show 0193a5d2-7c1e-7000-8000-000000000001 --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The campaign id.") var id: String
        @Flag(help: "Print { id, name, status, audience, offer, description, validFrom, validUntil, usesPerCustomer, holdout, createdAt, stoppedAt, members } as JSON.")
        var json = false

        func validate() throws {
            if CampaignID(rawValue: id) == nil { throw ValidationError(CampaignID.invalidValueMessage) }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                guard let summary = try await hub.openStore().campaign(CampaignID(rawValue: id)!) else {
                    throw HubError(.notFound, "no campaign \(id) (see `omnisync-hub campaigns list`)")
                }
                if json {
                    try Output.json(summary)
                } else {
                    Campaigns.show(summary)
                }
            }
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a campaign now: its offers end with it at every till after their next pull.",
            discussion: """
                Examples:
                  omnisync-hub campaigns stop 0193a5d2-7c1e-7000-8000-000000000001
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The campaign id.") var id: String
        @Flag(help: "Print the campaign as `campaigns show --json` does.") var json = false

        func validate() throws {
            if CampaignID(rawValue: id) == nil { throw ValidationError(CampaignID.invalidValueMessage) }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let summary = try await hub.openStore().stopCampaign(CampaignID(rawValue: id)!, at: Date())
                if json {
                    try Output.json(summary)
                } else {
                    Swift.print("stopped \(summary.campaign.id) (\(summary.campaign.definition.name)) at \(RFC3339.format(summary.campaign.stoppedAt ?? Date()))")
                }
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a campaign did: treated against holdout, with 95% intervals, overall and by channel and store.",
            discussion: """
                Over the campaign's window: customers, conversion (bought at least once), spend per customer (every \
                member counts), redemptions; the uplift of conversion and spend, absolute and relative, with its 95% \
                interval; the discounts given and the revenue the campaign added. Definitions: docs/campaigns.md.

                Examples:
                  omnisync-hub campaigns report 0193a5d2-7c1e-7000-8000-000000000001
                  omnisync-hub campaigns report 0193a5d2-7c1e-7000-8000-000000000001 --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The campaign id.") var id: String
        @Flag(help: "Print { campaign, currency, from, until, overall, byChannel, byStore, cost, incrementalRevenue, otherCurrencyOrders } as JSON.")
        var json = false

        func validate() throws {
            if CampaignID(rawValue: id) == nil { throw ValidationError(CampaignID.invalidValueMessage) }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                guard let report = try await hub.openStore().campaignReport(CampaignID(rawValue: id)!) else {
                    throw HubError(.notFound, "no campaign \(id) (see `omnisync-hub campaigns list`)")
                }
                if json {
                    try Output.json(report)
                    return
                }
                let money = { (minor: Double) -> String in
                    report.currency.map { Money(amount: Int64(minor.rounded()), currency: $0).description } ?? String(format: "%.0f", minor)
                }
                func interval(_ estimate: Uplift.Interval, percent: Bool) -> String {
                    let format = { (value: Double) in percent ? String(format: "%+.2f pts", value * 100) : money(value) }
                    return "\(format(estimate.estimate)) [\(format(estimate.low)), \(format(estimate.high))]"
                }
                func relative(_ estimate: Uplift.Interval?) -> String {
                    estimate.map { String(format: "%+.1f %% [%+.1f, %+.1f]", $0.estimate * 100, $0.low * 100, $0.high * 100) } ?? "-"
                }
                Swift.print("\(report.campaign.campaign.definition.name) (\(report.campaign.campaign.id)), \(RFC3339.format(report.from)) to \(RFC3339.format(report.until))")
                var rows: [[String]] = []
                let channels = report.byChannel.sorted(by: { $0.key < $1.key }).map { ("channel \($0.key)", $0.value) }
                let stores = report.byStore.sorted(by: { $0.key < $1.key }).map { ("store \($0.key)", $0.value) }
                for (scope, comparison) in [("all", report.overall)] + channels + stores {
                    rows.append([
                        scope, "\(comparison.treated.customers) / \(comparison.holdout.customers)",
                        String(format: "%.2f%% / %.2f%%", comparison.treated.conversionRate * 100, comparison.holdout.conversionRate * 100),
                        comparison.conversionUplift.map { interval($0.absolute, percent: true) } ?? "-",
                        "\(money(comparison.treated.spendPerCustomer)) / \(money(comparison.holdout.spendPerCustomer))",
                        comparison.spendUplift.map { interval($0.absolute, percent: false) } ?? "-",
                        relative(comparison.spendUplift?.relative), String(comparison.treated.redemptions),
                    ])
                }
                Output.table(
                    headers: ["SCOPE", "TREATED / HOLDOUT", "CONVERSION", "UPLIFT [95%]", "SPEND PER CUSTOMER", "UPLIFT [95%]", "RELATIVE", "REDEEMED"],
                    rows: rows
                )
                Swift.print("cost (discounts given): \(report.cost?.description ?? "-")   incremental revenue: \(report.incrementalRevenue?.description ?? "-")")
                if report.otherCurrencyOrders > 0 {
                    Swift.print("\(report.otherCurrencyOrders) orders in other currencies than \(report.currency?.rawValue ?? "-") are left out")
                }
            }
        }
    }

    static func show(_ summary: CampaignSummary) {
        let campaign = summary.campaign
        let definition = campaign.definition
        let audience = definition.audience
        var who: [String] = []
        if let segment = audience.segment { who.append("segment \(segment)") }
        if let tier = audience.tier { who.append("tier \(tier)") }
        if let lifecycle = audience.lifecycle { who.append("stage \(lifecycle)") }
        if !audience.tags.isEmpty { who.append("tags " + audience.tags.map(\.rawValue).sorted().joined(separator: ", ")) }
        if let stores = audience.stores { who.append("customers of " + stores.map(\.rawValue).sorted().joined(separator: ", ")) }
        if let consent = audience.consent { who.append("opted in to \(consent.rawValue)") }
        Output.fields([
            ("campaign", "\(campaign.id) (\(definition.name))"),
            ("status", summary.status),
            ("audience", who.isEmpty ? "every customer" : who.joined(separator: "; ")),
            ("offer", definition.offer.description + (definition.usesPerCustomer == 1 ? ", single use" : ", \(definition.usesPerCustomer) uses")),
            ("valid", "\(RFC3339.format(campaign.validFrom)) to \(RFC3339.format(campaign.validUntil))"),
            ("members", "\(summary.treated) treated, \(summary.holdout) held out (\(String(format: "%g", definition.holdoutShare * 100)) %)"),
            ("redeemed", "\(summary.redemptions) sales"),
        ])
    }
}
