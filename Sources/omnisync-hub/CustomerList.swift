import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

extension Customers {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a campaign audience: customers by segment, tier or lifecycle stage, with consent.",
            discussion: """
                Erased customers are never listed; with --consent, only customers opted in on that channel are \
                (an opt-out, or no answer, leaves a customer out). CSV by default (a header line, then one customer \
                a line), or JSON. Contact details are masked unless --reveal is given: pass it to hand the list to \
                the campaign tool. Segments, tiers and stages are those of the last recompute (docs/crm.md).

                Examples:
                  omnisync-hub customers list --segment champions --consent email
                  omnisync-hub customers list --tier vip --format json --reveal
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "Only this segment (e.g. champions, \"at risk\").") var segment: String?
        @Option(help: "Only this tier (VIP, ordinary).") var tier: String?
        @Option(help: "Only this lifecycle stage (new, active, \"at risk\", churned, \"won back\").") var lifecycle: String?
        @Option(help: "Only customers opted in on this channel (email, sms).") var consent: String?
        @Option(help: "csv or json.") var format = "csv"
        @Flag(help: "Print JSON (same as --format json).") var json = false
        @Flag(help: "Show contact details unmasked.") var reveal = false

        func validate() throws {
            guard ["csv", "json"].contains(format) else { throw ValidationError("--format must be csv or json") }
            if let consent, ConsentChannel(rawValue: consent) == nil {
                throw ValidationError("--consent must be one of \(ConsentChannel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let segment, CustomerScoring.Segment(rawValue: segment) == nil {
                throw ValidationError("--segment must be one of \(CustomerScoring.Segment.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let tier, CustomerScoring.Tier(rawValue: tier) == nil {
                throw ValidationError("--tier must be one of \(CustomerScoring.Tier.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let lifecycle, CustomerScoring.Lifecycle(rawValue: lifecycle) == nil {
                throw ValidationError("--lifecycle must be one of \(CustomerScoring.Lifecycle.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        struct Member: Encodable {
            var id: String
            var name: String?
            var email: String?
            var phone: String?
            var language: String?
            var tier: String?
            var segment: String?
            var lifecycle: String?
            var points: Int64

            static let columns = ["id", "name", "email", "phone", "language", "tier", "segment", "lifecycle", "points"]
            var values: [String] { [id, name ?? "", email ?? "", phone ?? "", language ?? "", tier ?? "", segment ?? "", lifecycle ?? "", String(points)] }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let filter = AudienceFilter(segment: segment, tier: tier, lifecycle: lifecycle, consent: consent.flatMap(ConsentChannel.init(rawValue:)))
                let members = try await hub.openStore().audience(filter).map { record in
                    let view = CustomerView(record.state, reveal: reveal)
                    return Member(
                        id: view.id.rawValue, name: view.name, email: view.email, phone: view.phone, language: view.language,
                        tier: view.tier, segment: view.segment, lifecycle: view.lifecycle, points: record.state.pointsBalance
                    )
                }
                if json || format == "json" {
                    try Output.json(members)
                } else {
                    print(Member.columns.joined(separator: ","))
                    for member in members { print(member.values.map(Self.csvField).joined(separator: ",")) }
                }
                if !reveal, !members.isEmpty { Output.error("omnisync-hub: contact details masked; pass --reveal to export them") }
            }
        }

        /// A CSV field, quoted when it holds a comma, a quote or a line break.
        static func csvField(_ value: String) -> String {
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
