import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Conflicts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The conflict log: values overwritten by concurrent edits from other stores, newest first.",
        discussion: """
            Two stores edited the same field without seeing each other's change; the merge rule kept one (the later, or an opt-out). Personal values are masked unless --reveal.

            Examples:
              omnisync-hub conflicts
              omnisync-hub conflicts --customer 01a209a5-4ddf-7711-9822-5812eb9ab3f8 --json
            """
    )

    @OptionGroup var hub: HubOptions
    @Option(help: "Only this customer's conflicts.") var customer: String?
    @Option(help: "At most this many.") var limit = 100
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show personal values unmasked.") var reveal = false

    func run() async throws {
        try await reportingFailures(program: "omnisync-hub") {
            let records = try await hub.openStore().conflicts(customer: try customer.map { try CustomerID(validating: $0) }, limit: limit)
            let listed = records.map { ConflictListing($0, reveal: reveal) }
            if json {
                try Output.json(listed)
            } else if listed.isEmpty {
                print("no conflicts")
            } else {
                Output.table(
                    headers: ["#", "CUSTOMER", "FIELD", "LOST", "KEPT", "REVEALED BY", "AT"],
                    rows: listed.map { item in
                        [String(item.id), item.customer, item.field, item.lost ?? "(cleared)", item.won ?? "(cleared)",
                         "\(item.terminal)#\(item.seq)", RFC3339.format(item.detectedAt)]
                    }
                )
            }
        }
    }
}

/// A conflict as `omnisync-hub conflicts` prints it.
struct ConflictListing: Encodable {
    var id: Int64
    var customer: String
    var field: String
    var lost: String?
    var lostStamp: String
    var won: String?
    var wonStamp: String
    var terminal: String
    var seq: Int64
    var detectedAt: Date

    init(_ record: ConflictRecord, reveal: Bool) {
        let field = ProfileField(rawValue: record.conflict.field)
        func shown(_ value: String?) -> String? {
            guard let value, let field, !reveal else { return value }
            return PersonalDataMask.mask(value, as: field)
        }
        id = record.id ?? 0
        customer = record.customer.rawValue
        self.field = record.conflict.field
        // A card conflict's lost value is the card a terminal claimed (its won
        // value is the holder's customer id): a card, so masked too.
        lost = record.conflict.field == "card" && !reveal
            ? record.conflict.lost.value.map { CardNumber(rawValue: $0)?.masked ?? "****" }
            : shown(record.conflict.lost.value)
        lostStamp = record.conflict.lost.stamp.description
        won = shown(record.conflict.won.value)
        wonStamp = record.conflict.won.stamp.description
        terminal = record.terminal.rawValue
        seq = record.seq
        detectedAt = record.detectedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, customer, field, lost, lostStamp, won, wonStamp, terminal, seq, detectedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customer, forKey: .customer)
        try container.encode(field, forKey: .field)
        try container.encode(lost, forKey: .lost)
        try container.encode(lostStamp, forKey: .lostStamp)
        try container.encode(won, forKey: .won)
        try container.encode(wonStamp, forKey: .wonStamp)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(seq, forKey: .seq)
        try container.encode(detectedAt, forKey: .detectedAt)
    }
}
