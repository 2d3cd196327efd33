import Foundation
import GRDB
import OmnisyncCore

/// The terminal's append-only journal of entries, inside the agent database.
///
/// Sequence numbers are allocated inside the appending transaction (GRDB
/// writes are `BEGIN IMMEDIATE`, so two processes appending at once are
/// serialised), which is what keeps them gapless. Nothing here deletes an
/// entry.
enum Journal {
    /// One stored entry as the sync engine sends it.
    struct StoredEntry: Sendable {
        var seq: Int64
        var body: Data
        /// The hash stored when it was recorded; nil once redacted.
        var recordedHash: String?
    }

    /// The sequence number the next entry of `terminal` gets.
    static func nextSeq(_ db: Database, terminal: TerminalID) throws -> Int64 {
        let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM journal WHERE terminal = ?"), arguments: [terminal.rawValue])
        return (last ?? 0) + 1
    }

    /// The hash of `terminal`'s entry `seq`, which the next entry links to.
    static func hash(_ db: Database, terminal: TerminalID, seq: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM journal WHERE terminal = ? AND seq = ?"), arguments: [terminal.rawValue, seq])
    }

    /// Appends `entry`; its `seq` must be ``nextSeq(_:terminal:)`` and its
    /// `previousHash` the hash of the entry before.
    static func append(_ db: Database, _ entry: JournalEntry) throws {
        var receipt: String?
        var originalReceipt: String?
        switch entry.event {
        case .sale(let sale): receipt = sale.receipt
        case .return(let ret): (receipt, originalReceipt) = (ret.receipt, ret.originalReceipt)
        case .feedback(let feedback): receipt = feedback.receipt
        case .scan, .profile: break
        }
        let body = try entry.canonicalBytes()
        // Cached: compiling a statement costs more than running it, and this
        // one runs for every sale.
        try db.cachedStatement(sql: """
            INSERT INTO journal (terminal, seq, id, kind, customer, receipt, original_receipt, recorded_at_ms, body, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(
            arguments: [
                entry.terminal.rawValue, entry.seq, entry.id.rawValue, entry.event.kind.rawValue,
                entry.event.customer?.rawValue, receipt, originalReceipt, entry.recordedAt.millis, body, ChainHash.of(body),
            ]
        )
    }

    /// Entries of `terminal` after `seq`, in order, at most `limit` of them.
    static func entries(_ db: Database, terminal: TerminalID, after seq: Int64, through last: Int64 = .max, limit: Int) throws -> [StoredEntry] {
        try Row.fetchAll(
            db,
            sql: "SELECT seq, body, hash, redacted FROM journal WHERE terminal = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
            arguments: [terminal.rawValue, seq, last, limit]
        ).map { row in
            // The hash recorded with the entry, also once it is redacted: the
            // entry after it links to that hash, so the hub's chain holds.
            StoredEntry(seq: row["seq"], body: row["body"], recordedHash: row["hash"])
        }
    }

    /// Entries of `terminal` the hub has not acknowledged yet, decoded, in order.
    static func pendingEntries(_ db: Database, terminal: TerminalID, acknowledgedSeq: Int64) throws -> [JournalEntry] {
        try Data.fetchAll(
            db,
            sql: "SELECT body FROM journal WHERE terminal = ? AND seq > ? ORDER BY seq",
            arguments: [terminal.rawValue, acknowledgedSeq]
        ).map { try WireCoding.decode(JournalEntry.self, from: $0) }
    }

    /// Removes the personal data of acknowledged entries about erased
    /// customers. Unacknowledged ones keep theirs until the hub has them (it
    /// redacts them too); nothing is deleted.
    ///
    /// `after` limits the search to entries above it: a push passes the
    /// acknowledgement it started from, since everything at or below it was
    /// searched when it was acknowledged, and only a new erasure (a pull)
    /// needs the whole journal searched again. Searching the whole journal
    /// after every batch made a long catch-up quadratic.
    @discardableResult
    static func redactErased(_ db: Database, terminal: TerminalID, acknowledgedSeq: Int64, after: Int64 = 0) throws -> Int {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT seq, body FROM journal
                WHERE terminal = ? AND seq > ? AND seq <= ? AND redacted = 0 AND customer IN (SELECT id FROM erased_customers)
                """,
            arguments: [terminal.rawValue, after, acknowledgedSeq]
        )
        for row in rows {
            let entry = try WireCoding.decode(JournalEntry.self, from: row["body"] as Data).redactingPersonalData()
            try db.execute(
                sql: "UPDATE journal SET body = ?, redacted = 1 WHERE terminal = ? AND seq = ?",
                arguments: [try WireCoding.encode(entry), terminal.rawValue, row["seq"] as Int64]
            )
        }
        return rows.count
    }

    /// How many customers this terminal knows to be erased: when it grows,
    /// acknowledged entries may have personal data to remove.
    static func erasedCustomerCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM erased_customers")) ?? 0
    }

    /// The highest sequence number recorded for `terminal` (0 when none).
    static func lastSeq(_ db: Database, terminal: TerminalID) throws -> Int64 {
        try nextSeq(db, terminal: terminal) - 1
    }

    /// How many entries are not yet acknowledged, and when the oldest was recorded.
    static func pending(_ db: Database, terminal: TerminalID, acknowledgedSeq: Int64) throws -> (count: Int64, oldest: Date?) {
        let row = try Row.fetchOne(
            db,
            sql: "SELECT COUNT(*) AS count, MIN(recorded_at_ms) AS oldest FROM journal WHERE terminal = ? AND seq > ?",
            arguments: [terminal.rawValue, acknowledgedSeq]
        )
        return (row?["count"] ?? 0, Date(millis: row?["oldest"]))
    }

    /// Unacknowledged entries of any terminal this data dir has been, counted
    /// across re-initialisations; `init` refuses to proceed while there are any.
    static func unacknowledged(_ db: Database) throws -> (count: Int64, oldest: Date?) {
        guard try db.tableExists("agent_state"), let state = try? AgentStateRow.fetch(db) else {
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS count, MIN(recorded_at_ms) AS oldest FROM journal")
            return (row?["count"] ?? 0, Date(millis: row?["oldest"]))
        }
        return try pending(db, terminal: state.terminal, acknowledgedSeq: state.acknowledgedSeq)
    }

    /// The most recent sale at this terminal with `receipt`, for returns.
    static func sale(_ db: Database, receipt: String) throws -> SaleEvent? {
        guard let body = try Data.fetchOne(
            db,
            sql: "SELECT body FROM journal WHERE receipt = ? AND kind = 'sale' ORDER BY recorded_at_ms DESC LIMIT 1",
            arguments: [receipt]
        ) else { return nil }
        guard case .sale(let sale) = try WireCoding.decode(JournalEntry.self, from: body).event else { return nil }
        return sale
    }

    /// Points already taken back by returns of `originalReceipt` at this terminal.
    static func pointsReversed(_ db: Database, originalReceipt: String) throws -> Int64 {
        let bodies = try Data.fetchAll(
            db,
            sql: "SELECT body FROM journal WHERE kind = 'return' AND original_receipt = ?",
            arguments: [originalReceipt]
        )
        var total: Int64 = 0
        for body in bodies {
            if case .return(let ret) = try WireCoding.decode(JournalEntry.self, from: body).event {
                total = total.saturatingAdding(ret.pointsReversed)
            }
        }
        return total
    }
}
