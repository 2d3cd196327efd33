import Foundation
import GRDB
import OmnisyncCore

/// A row of `terminals`, as GRDB reads and writes it.
struct TerminalRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "terminals"

    var id: String
    var store: String
    var tokenHash: String
    var createdAtMs: Int64
    var revokedAtMs: Int64?
    var acknowledgedSeq: Int64
    var lastContactMs: Int64?
    var reportedBacklog: Int64
    var clockSkewMs: Int64?
    var lastClamped: String?
    var priceListVersion: Int64?
    var priceListSinceMs: Int64?

    enum CodingKeys: String, CodingKey {
        case id, store
        case tokenHash = "token_hash"
        case createdAtMs = "created_at_ms"
        case revokedAtMs = "revoked_at_ms"
        case acknowledgedSeq = "acknowledged_seq"
        case lastContactMs = "last_contact_ms"
        case reportedBacklog = "reported_backlog"
        case clockSkewMs = "clock_skew_ms"
        case lastClamped = "last_clamped"
        case priceListVersion = "price_list_version"
        case priceListSinceMs = "price_list_since_ms"
    }

    /// A terminal registered now, with nothing pushed yet.
    init(id: TerminalID, store: StoreID, tokenHash: String, createdAt: Date) {
        self.id = id.rawValue
        self.store = store.rawValue
        self.tokenHash = tokenHash
        createdAtMs = createdAt.millis
        acknowledgedSeq = 0
        reportedBacklog = 0
    }

    var record: TerminalRecord {
        get throws {
            TerminalRecord(
                id: try TerminalID(validating: id),
                store: try StoreID(validating: store),
                createdAt: Date(millis: createdAtMs)!,
                revokedAt: Date(millis: revokedAtMs),
                acknowledgedSeq: acknowledgedSeq,
                lastContact: Date(millis: lastContactMs),
                reportedBacklog: reportedBacklog,
                clockSkewSeconds: clockSkewMs.map { Double($0) / 1000 },
                tokenHash: tokenHash,
                priceListVersion: priceListVersion,
                priceListSince: Date(millis: priceListSinceMs)
            )
        }
    }
}
