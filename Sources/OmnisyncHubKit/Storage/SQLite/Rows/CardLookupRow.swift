import Foundation
import GRDB
import OmnisyncCore

/// A row of `card_lookups`, the audit of terminals' card lookups.
struct CardLookupRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "card_lookups"

    var id: Int64?
    var terminal: String
    var cardLast4: String
    var customer: String?
    var outcome: String
    var atMs: Int64

    enum CodingKeys: String, CodingKey {
        case id, terminal, customer, outcome
        case cardLast4 = "card_last4"
        case atMs = "at_ms"
    }

    init(terminal: TerminalID, card: CardNumber, customer: CustomerID?, outcome: CardLookupRecord.Outcome, at: Date) {
        self.terminal = terminal.rawValue
        cardLast4 = card.masked
        self.customer = customer?.rawValue
        self.outcome = outcome.rawValue
        atMs = at.millis
    }

    var record: CardLookupRecord {
        get throws {
            CardLookupRecord(
                terminal: try TerminalID(validating: terminal), card: cardLast4,
                customer: try customer.map { try CustomerID(validating: $0) },
                outcome: CardLookupRecord.Outcome(rawValue: outcome) ?? .refused, at: Date(millis: atMs)!
            )
        }
    }
}
