import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Quarantine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Entries stored and acknowledged but not applied: list them, and apply them after a fix.",
        discussion: """
            A quarantined entry never blocks its terminal and is never dropped; it waits here for an operator.

            Examples:
              omnisync-hub quarantine list
              omnisync-hub quarantine retry T-0001 --accept
            """,
        subcommands: [List.self, Retry.self, Orders.self]
    )

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Orders of other channels kept aside because an identifier is unusable, oldest first.",
            discussion: """
                Have the channel send the corrected order again under the same order id (or fix the line and run `import orders` again): it is applied and leaves this list.

                Examples:
                  omnisync-hub quarantine orders
                  omnisync-hub quarantine orders --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let orders = try await hub.openStore().quarantinedOrders()
                if json {
                    try Output.json(orders)
                } else if orders.isEmpty {
                    print("no quarantined orders")
                } else {
                    Output.table(
                        headers: ["CHANNEL", "ORDER", "SINCE", "REASON"],
                        rows: orders.map { [$0.channel, $0.orderId, RFC3339.format($0.quarantinedAt), $0.reason] }
                    )
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Quarantined entries, oldest first, with the reason.",
            discussion: """
                Examples:
                  omnisync-hub quarantine list
                  omnisync-hub quarantine list --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let entries = try await hub.openStore().quarantined()
                if json {
                    try Output.json(entries.map(QuarantineListing.init))
                } else if entries.isEmpty {
                    print("no quarantined entries")
                } else {
                    Output.table(
                        headers: ["TERMINAL", "SEQ", "KIND", "CUSTOMER", "SINCE", "REASON"],
                        rows: entries.map { entry in
                            [entry.terminal.rawValue, String(entry.seq), entry.kind ?? "?", entry.customer?.rawValue ?? "-",
                             RFC3339.format(entry.quarantinedAt), entry.reason]
                        }
                    )
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Try again to apply quarantined entries: all of them, a terminal's, or one.",
            discussion: """
                After a fix (a hub upgrade that reads a newer entry, a corrected store policy). With --accept, policy exceptions an operator judged legitimate are applied as they are.

                Examples:
                  omnisync-hub quarantine retry
                  omnisync-hub quarantine retry T-0001 17
                  omnisync-hub quarantine retry T-0001 --accept --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "Only this terminal's entries.") var terminal: String?
        @Argument(help: "Only this entry of the terminal.") var seq: Int64?
        @Flag(help: "Apply despite policy exceptions (e.g. points earned under an older policy).") var accept = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let outcomes = try await hub.openStore().retryQuarantined(
                    terminal: try terminal.map { try TerminalID(validating: $0) }, seq: seq, accept: accept, at: Date()
                )
                if json {
                    try Output.json(outcomes.map(RetryListing.init))
                    return
                }
                for outcome in outcomes {
                    print("\(outcome.terminal)#\(outcome.seq): " + (outcome.applied ? "applied" : "still quarantined: \(outcome.reason ?? "")"))
                }
                let applied = outcomes.filter(\.applied).count
                print("\(applied) applied, \(outcomes.count - applied) still quarantined")
            }
        }
    }
}

/// `quarantine list --json`.
struct QuarantineListing: Encodable {
    var terminal: String
    var seq: Int64
    var kind: String?
    var customer: String?
    var reason: String
    var quarantinedAt: Date

    init(_ entry: QuarantinedEntry) {
        terminal = entry.terminal.rawValue
        seq = entry.seq
        kind = entry.kind
        customer = entry.customer?.rawValue
        reason = entry.reason
        quarantinedAt = entry.quarantinedAt
    }

    enum CodingKeys: String, CodingKey {
        case terminal, seq, kind, customer, reason, quarantinedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(seq, forKey: .seq)
        try container.encode(kind, forKey: .kind)
        try container.encode(customer, forKey: .customer)
        try container.encode(reason, forKey: .reason)
        try container.encode(quarantinedAt, forKey: .quarantinedAt)
    }
}

/// `quarantine retry --json`.
struct RetryListing: Encodable {
    var terminal: String
    var seq: Int64
    var applied: Bool
    var reason: String?

    init(_ outcome: RetryOutcome) {
        terminal = outcome.terminal.rawValue
        seq = outcome.seq
        applied = outcome.applied
        reason = outcome.reason
    }

    enum CodingKeys: String, CodingKey {
        case terminal, seq, applied, reason
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(seq, forKey: .seq)
        try container.encode(applied, forKey: .applied)
        try container.encode(reason, forKey: .reason)
    }
}
