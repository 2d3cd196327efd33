import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Feedback captured at tills and kiosks.",
        discussion: """
            Examples:
              omnisync-hub feedback list
              omnisync-hub feedback list --limit 20 --json
            """,
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The most recent answers, comments masked unless revealed.",
            discussion: """
                A comment is personal data: listings show its length unless --reveal is given, and an erased customer's \
                comments are gone (their scores still count).

                Examples:
                  omnisync-hub feedback list
                  omnisync-hub feedback list --reveal --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(help: "At most this many (1-10000).") var limit = 100
        @Flag(help: "Show comments as written.") var reveal = false
        @Flag(help: "Print [{ terminal, seq, store, customer, at, score, comment, receipt }] as JSON.") var json = false

        struct Listing: Encodable {
            var terminal: TerminalID
            var seq: Int64
            var store: StoreID
            var customer: CustomerID?
            var at: Date
            var score: Int
            var comment: String?
            var receipt: String?

            enum CodingKeys: String, CodingKey { case terminal, seq, store, customer, at, score, comment, receipt }

            /// Every key is written, absent values as null.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(terminal, forKey: .terminal)
                try container.encode(seq, forKey: .seq)
                try container.encode(store, forKey: .store)
                try container.encode(customer, forKey: .customer)
                try container.encode(at, forKey: .at)
                try container.encode(score, forKey: .score)
                try container.encode(comment, forKey: .comment)
                try container.encode(receipt, forKey: .receipt)
            }
        }

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let records = try await hub.openStore().feedback(limit: limit)
                let listings = records.map { record in
                    Listing(
                        terminal: record.terminal, seq: record.seq, store: record.store, customer: record.customer, at: record.at, score: record.score,
                        comment: record.shownComment(reveal: reveal), receipt: record.receipt
                    )
                }
                if json {
                    try Output.json(listings)
                } else if listings.isEmpty {
                    print("no feedback yet")
                } else {
                    Output.table(
                        headers: ["AT", "STORE", "TERMINAL", "SCORE", "CUSTOMER", "COMMENT"],
                        rows: listings.map { [RFC3339.format($0.at), $0.store.rawValue, "\($0.terminal)#\($0.seq)", String($0.score), $0.customer?.rawValue ?? "-", $0.comment ?? "-"] }
                    )
                }
            }
        }
    }
}
