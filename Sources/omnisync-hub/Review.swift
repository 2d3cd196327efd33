import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review offline over-redemptions (overdrafts) and offers used twice before closing the day.",
        discussion: """
            Examples:
              omnisync-hub review list
              omnisync-hub review approve 12 --note "regular customer, two stores"
              omnisync-hub review offers
              omnisync-hub review approve-offer 3 --note "both stores offline during the storm"
            """,
        subcommands: [List.self, Approve.self, Offers.self, ApproveOffer.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Overdrafts waiting for review: redemptions that left a balance below zero.",
            discussion: """
                WITHIN says whether the overdraft stayed within the store's offline allowance.

                Examples:
                  omnisync-hub review list
                  omnisync-hub review list --all --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Include approved overdrafts.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let records = try await hub.openStore().overdrafts(includeApproved: all)
                if json {
                    try Output.json(records.map(OverdraftListing.init))
                    return
                }
                let offers = try await hub.openStore().offerOveruses(includeApproved: false).count
                defer {
                    if offers > 0 { print("\(offers) offers used beyond their grant wait for review too: omnisync-hub review offers") }
                }
                if records.isEmpty {
                    print(all ? "no overdrafts" : "no overdrafts waiting for review")
                } else {
                    Output.table(
                        headers: ["#", "CUSTOMER", "TERMINAL", "STORE", "REDEEMED", "BALANCE", "ALLOWANCE", "WITHIN", "STATE"],
                        rows: records.map { record in
                            [String(record.id ?? 0), record.customer.rawValue, "\(record.terminal)#\(record.seq)", record.store.rawValue,
                             String(record.redeemed), String(record.balance), String(record.allowance), record.withinAllowance ? "yes" : "NO",
                             record.approvedAt.map { "approved \(RFC3339.format($0))" } ?? "to review"]
                        }
                    )
                }
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an overdraft as reviewed and accepted.",
            discussion: """
                Examples:
                  omnisync-hub review approve 12
                  omnisync-hub review approve 12 --note "regular customer, two stores"
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The overdraft's number, from `review list`.") var id: Int64
        @Option(help: "Why it was accepted, kept with it.") var note: String?

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let record = try await hub.openStore().approveOverdraft(id, note: note, at: Date())
                print("overdraft #\(record.id ?? id) of customer \(record.customer) approved")
            }
        }
    }
}

extension Review {
    struct Offers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offers used beyond what the customer's grant allows: a single-use offer honoured by two stores while offline.",
            discussion: """
                The sales stand (the goods are gone) and every till shows the offer used; each double use is listed \
                once. ALLOWED is '-' when the customer held no grant at the hub (a stopped or withdrawn offer).

                Examples:
                  omnisync-hub review offers
                  omnisync-hub review offers --all --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Include approved ones.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let records = try await hub.openStore().offerOveruses(includeApproved: all)
                if json {
                    try Output.json(records)
                } else if records.isEmpty {
                    print(all ? "no offers used twice" : "no offers used twice waiting for review")
                } else {
                    Output.table(
                        headers: ["#", "CAMPAIGN", "CUSTOMER", "SALE", "WHY", "STATE"],
                        rows: records.map { record in
                            [String(record.id ?? 0), record.campaign.rawValue, record.customer.rawValue, record.sale, record.why,
                             record.approvedAt.map { "approved \(RFC3339.format($0))" } ?? "to review"]
                        }
                    )
                }
            }
        }
    }

    struct ApproveOffer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve-offer",
            abstract: "Mark an offer's double use as reviewed and accepted.",
            discussion: """
                Examples:
                  omnisync-hub review approve-offer 3
                  omnisync-hub review approve-offer 3 --note "both stores offline during the storm"
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The double use's number, from `review offers`.") var id: Int64
        @Option(help: "Why it was accepted, kept with it.") var note: String?

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let record = try await hub.openStore().approveOfferOveruse(id, note: note, at: Date())
                print("double use #\(record.id ?? id) of campaign \(record.campaign) by customer \(record.customer) approved")
            }
        }
    }
}

/// An overdraft as `review list --json` prints it.
struct OverdraftListing: Encodable {
    var id: Int64
    var customer: String
    var terminal: String
    var store: String
    var seq: Int64
    var redeemed: Int64
    var balance: Int64
    var allowance: Int64
    var withinAllowance: Bool
    var detectedAt: Date
    var approvedAt: Date?
    var note: String?

    init(_ record: OverdraftRecord) {
        id = record.id ?? 0
        customer = record.customer.rawValue
        terminal = record.terminal.rawValue
        store = record.store.rawValue
        seq = record.seq
        redeemed = record.redeemed
        balance = record.balance
        allowance = record.allowance
        withinAllowance = record.withinAllowance
        detectedAt = record.detectedAt
        approvedAt = record.approvedAt
        note = record.note
    }

    enum CodingKeys: String, CodingKey {
        case id, customer, terminal, store, seq, redeemed, balance, allowance, withinAllowance, detectedAt, approvedAt, note
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customer, forKey: .customer)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(store, forKey: .store)
        try container.encode(seq, forKey: .seq)
        try container.encode(redeemed, forKey: .redeemed)
        try container.encode(balance, forKey: .balance)
        try container.encode(allowance, forKey: .allowance)
        try container.encode(withinAllowance, forKey: .withinAllowance)
        try container.encode(detectedAt, forKey: .detectedAt)
        try container.encode(approvedAt, forKey: .approvedAt)
        try container.encode(note, forKey: .note)
    }
}
