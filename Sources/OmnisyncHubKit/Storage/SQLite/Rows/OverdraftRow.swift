import Foundation
import GRDB
import OmnisyncCore

/// A row of `overdrafts`: a redemption that left a balance below zero.
struct OverdraftRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "overdrafts"

    var id: Int64?
    var customer: String
    var terminal: String
    var store: String
    var seq: Int64
    var redeemed: Int64
    var balance: Int64
    var allowance: Int64
    var detectedAtMs: Int64
    var approvedAtMs: Int64?
    var note: String?

    enum CodingKeys: String, CodingKey {
        case id, customer, terminal, store, seq, redeemed, balance, allowance, note
        case detectedAtMs = "detected_at_ms"
        case approvedAtMs = "approved_at_ms"
    }

    init(_ record: OverdraftRecord) {
        id = record.id
        customer = record.customer.rawValue
        terminal = record.terminal.rawValue
        store = record.store.rawValue
        seq = record.seq
        redeemed = record.redeemed
        balance = record.balance
        allowance = record.allowance
        detectedAtMs = record.detectedAt.millis
        approvedAtMs = record.approvedAt?.millis
        note = record.note
    }

    var record: OverdraftRecord {
        get throws {
            OverdraftRecord(
                id: id, customer: try CustomerID(validating: customer), terminal: try TerminalID(validating: terminal),
                store: try StoreID(validating: store), seq: seq, redeemed: redeemed, balance: balance, allowance: allowance,
                detectedAt: Date(millis: detectedAtMs)!, approvedAt: Date(millis: approvedAtMs), note: note
            )
        }
    }
}
