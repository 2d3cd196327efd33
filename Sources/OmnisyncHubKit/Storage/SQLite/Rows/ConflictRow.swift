import Foundation
import GRDB
import OmnisyncCore

/// A row of `conflicts`: the value a merge rule made lose, and the winner.
struct ConflictRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "conflicts"

    var id: Int64?
    var customer: String
    var field: String
    var lostValue: String?
    var lostStamp: String
    var wonValue: String?
    var wonStamp: String
    var terminal: String
    var seq: Int64
    var detectedAtMs: Int64

    enum CodingKeys: String, CodingKey {
        case id, customer, field, terminal, seq
        case lostValue = "lost_value"
        case lostStamp = "lost_stamp"
        case wonValue = "won_value"
        case wonStamp = "won_stamp"
        case detectedAtMs = "detected_at_ms"
    }

    init(_ record: ConflictRecord) {
        id = record.id
        customer = record.customer.rawValue
        field = record.conflict.field
        lostValue = record.conflict.lost.value
        lostStamp = record.conflict.lost.stamp.description
        wonValue = record.conflict.won.value
        wonStamp = record.conflict.won.stamp.description
        terminal = record.terminal.rawValue
        seq = record.seq
        detectedAtMs = record.detectedAt.millis
    }

    var record: ConflictRecord {
        get throws {
            func stamp(_ text: String, _ column: String) throws -> HLCTimestamp {
                guard let stamp = HLCTimestamp(text) else { throw HubError(.storage, "conflict #\(id ?? 0): unreadable \(column)") }
                return stamp
            }
            return ConflictRecord(
                id: id,
                customer: try CustomerID(validating: customer),
                conflict: FieldConflict(
                    field: field,
                    lost: .init(value: lostValue, stamp: try stamp(lostStamp, "lost_stamp")),
                    won: .init(value: wonValue, stamp: try stamp(wonStamp, "won_stamp"))
                ),
                terminal: try TerminalID(validating: terminal),
                seq: seq,
                detectedAt: Date(millis: detectedAtMs)!
            )
        }
    }
}
