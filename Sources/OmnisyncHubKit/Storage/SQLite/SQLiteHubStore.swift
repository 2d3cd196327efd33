public import Foundation
import GRDB
import OmnisyncStorage
public import OmnisyncCore

/// The hub's embedded backend: one SQLite file in WAL mode.
///
/// Right for a small chain on one machine. Hub commands (`terminals add`,
/// `status`) open the same file while `serve` runs; WAL lets them read, and
/// writers wait for each other.
public struct SQLiteHubStore: HubStore {
    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and migrates it.
    /// An acknowledged push survives a power cut at the hub too (see ``DurableSQLite``).
    public init(path: String) throws(HubError) {
        do {
            pool = try DurableSQLite.open(path: path, label: "omnisync-hub", migrator: SQLiteHubMigrations.migrator)
        } catch {
            throw HubError(.storage, "cannot open the hub database \(path): \(error)")
        }
    }

    // MARK: Terminals

    public func addTerminal(_ id: TerminalID, store: StoreID, tokenHash: String, at: Date) async throws(HubError) -> TerminalRecord {
        try await write { db in
            if try Self.terminal(db, id: id) != nil {
                throw HubError(.terminalExists, "terminal \(id) is already registered; revoke it and register the replacement under a new id")
            }
            try db.execute(
                sql: "INSERT INTO terminals (id, store, token_hash, created_at_ms) VALUES (?, ?, ?, ?)",
                arguments: [id.rawValue, store.rawValue, tokenHash, at.millis]
            )
            return try Self.terminal(db, id: id)!
        }
    }

    public func terminals() async throws(HubError) -> [TerminalRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM terminals ORDER BY id").map(Self.terminalRecord)
        }
    }

    public func revokeTerminal(_ id: TerminalID, at: Date) async throws(HubError) -> TerminalRecord {
        try await write { db in
            guard try Self.terminal(db, id: id) != nil else {
                throw HubError(.unknownTerminal, "no terminal \(id) is registered (see `omnisync-hub terminals list`)")
            }
            try db.execute(
                sql: "UPDATE terminals SET revoked_at_ms = COALESCE(revoked_at_ms, ?) WHERE id = ?",
                arguments: [at.millis, id.rawValue]
            )
            return try Self.terminal(db, id: id)!
        }
    }

    public func terminal(tokenHash: String) async throws(HubError) -> TerminalRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM terminals WHERE token_hash = ?", arguments: [tokenHash]).map(Self.terminalRecord)
        }
    }

    // MARK: Sync

    public func push(_ batch: IncomingPush, from terminal: TerminalRecord, contact: TerminalContact) async throws(HubError) -> PushResponse {
        try await write { db in
            guard let current = try Self.terminal(db, id: terminal.id) else {
                throw HubError(.unknownTerminal, "terminal \(terminal.id) is not registered")
            }
            let resent = PushPlan.resentSeqs(in: batch, acknowledgedSeq: current.acknowledgedSeq)
            var storedIDs: [Int64: String] = [:]
            if let low = resent.min(), let high = resent.max() {
                for row in try Row.fetchAll(
                    db,
                    sql: "SELECT seq, id FROM entries WHERE terminal = ? AND seq BETWEEN ? AND ?",
                    arguments: [terminal.id.rawValue, low, high]
                ) {
                    storedIDs[row["seq"]] = row["id"]
                }
            }
            let plan = try PushPlan(batch: batch, acknowledgedSeq: current.acknowledgedSeq, storedIDs: storedIDs)

            var customers: [CustomerID: CustomerRecord] = [:]
            for id in EntryProjector.customers(touchedBy: plan.accepted) {
                customers[id] = try Self.customer(db, id: id)
            }
            let before = customers
            let outcomes = EntryProjector(store: terminal.store).apply(plan.accepted, from: terminal.id, to: &customers)

            var quarantined = 0
            for (incoming, outcome) in zip(plan.accepted, outcomes) {
                switch outcome {
                case .applied(let entry):
                    try Self.insertEntry(db, terminal: terminal.id, incoming: incoming, entry: entry, status: "applied", body: try WireCoding.encode(entry), receivedAt: contact.receivedAt)
                case .quarantined(let reason, let raw):
                    quarantined += 1
                    let entry = try? incoming.decoded.get()
                    let body = try entry.map { try WireCoding.encode($0) } ?? WireCoding.encode(raw ?? .null)
                    try Self.insertEntry(db, terminal: terminal.id, incoming: incoming, entry: entry, status: "quarantined", body: body, receivedAt: contact.receivedAt)
                    try db.execute(
                        sql: "INSERT INTO quarantine (terminal, seq, reason, quarantined_at_ms) VALUES (?, ?, ?, ?)",
                        arguments: [terminal.id.rawValue, incoming.seq, reason, contact.receivedAt.millis]
                    )
                }
            }
            for (id, record) in customers {
                let linked = try Self.linkStore(db, store: terminal.store, customer: id)
                try Self.save(db, record, stateChanged: linked || before[id]?.state != record.state)
            }
            try db.execute(
                sql: """
                    UPDATE terminals SET acknowledged_seq = ?, reported_backlog = ?, last_contact_ms = ?,
                        clock_skew_ms = COALESCE(?, clock_skew_ms)
                    WHERE id = ?
                    """,
                arguments: [plan.acknowledgedSeq, batch.backlog, contact.receivedAt.millis, contact.skewMillis, terminal.id.rawValue]
            )
            return PushResponse(
                acknowledgedSeq: plan.acknowledgedSeq,
                stored: plan.accepted.count,
                duplicates: plan.duplicates,
                quarantined: quarantined
            )
        }
    }

    public func pull(for terminal: TerminalRecord, after cursor: String?, limit: Int, contact: TerminalContact) async throws(HubError) -> PullPage {
        let start: Int64
        if let cursor {
            guard let value = Int64(cursor), value >= 0 else {
                throw HubError(.malformedRequest, "invalid cursor '\(cursor.prefix(40))': send back the cursor of the previous pull")
            }
            start = value
        } else {
            start = 0
        }
        let pageSize = min(max(limit, 1), 1000)
        return try await write { db in
            try db.execute(
                sql: "UPDATE terminals SET last_contact_ms = ?, clock_skew_ms = COALESCE(?, clock_skew_ms) WHERE id = ?",
                arguments: [contact.receivedAt.millis, contact.skewMillis, terminal.id.rawValue]
            )
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.state, c.change_seq FROM store_customers s JOIN customers c ON c.id = s.customer
                    WHERE s.store = ? AND c.change_seq > ?
                    ORDER BY c.change_seq
                    LIMIT ?
                    """,
                arguments: [terminal.store.rawValue, start, pageSize + 1]
            )
            let page = rows.prefix(pageSize)
            let profiles = try page.map { try WireCoding.decode(ProfileState.self, from: $0["state"]) }
            let next: Int64 = page.last?["change_seq"] ?? start
            return PullPage(profiles: profiles, cursor: String(next), hasMore: rows.count > pageSize)
        }
    }

    // MARK: Customers and status

    public func customer(id: CustomerID) async throws(HubError) -> CustomerRecord? {
        try await read { db in try Self.customer(db, id: id) }
    }

    public func customer(card: CardNumber) async throws(HubError) -> CustomerRecord? {
        try await read { db in
            guard let id = try String.fetchOne(db, sql: "SELECT customer FROM cards WHERE card = ?", arguments: [card.rawValue]) else {
                return nil
            }
            return try Self.customer(db, id: try CustomerID(validating: id))
        }
    }

    public func status() async throws(HubError) -> HubStatusReport {
        try await read { db in
            var quarantinedByTerminal: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT terminal, COUNT(*) AS count FROM quarantine GROUP BY terminal") {
                quarantinedByTerminal[row["terminal"]] = row["count"]
            }
            let terminals = try Row.fetchAll(db, sql: "SELECT * FROM terminals ORDER BY id").map(Self.terminalRecord).map { record in
                HubStatusReport.Terminal(
                    terminal: record.id, store: record.store, lastContact: record.lastContact,
                    acknowledgedSeq: record.acknowledgedSeq, reportedBacklog: record.reportedBacklog,
                    clockSkewSeconds: record.clockSkewSeconds, quarantined: quarantinedByTerminal[record.id.rawValue] ?? 0,
                    revoked: record.isRevoked
                )
            }
            return HubStatusReport(
                terminals: terminals,
                quarantined: quarantinedByTerminal.values.reduce(0, +),
                // The conflict log is written by the merge engine (issue #4); until
                // then no concurrent overwrite is recorded, so there is none to count.
                conflicts: 0
            )
        }
    }

    public func loyaltyPolicy() async throws(HubError) -> LoyaltyPolicy {
        try await read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'loyalty_policy'") else {
                return .default
            }
            return try WireCoding.decode(LoyaltyPolicy.self, from: data)
        }
    }

    // MARK: Rows

    private static func terminal(_ db: Database, id: TerminalID) throws -> TerminalRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM terminals WHERE id = ?", arguments: [id.rawValue]).map(terminalRecord)
    }

    private static func terminalRecord(_ row: Row) throws -> TerminalRecord {
        TerminalRecord(
            id: try TerminalID(validating: row["id"]),
            store: try StoreID(validating: row["store"]),
            createdAt: Date(millis: row["created_at_ms"])!,
            revokedAt: Date(millis: row["revoked_at_ms"]),
            acknowledgedSeq: row["acknowledged_seq"],
            lastContact: Date(millis: row["last_contact_ms"]),
            reportedBacklog: row["reported_backlog"],
            clockSkewSeconds: (row["clock_skew_ms"] as Int64?).map { Double($0) / 1000 }
        )
    }

    private static func customer(_ db: Database, id: CustomerID) throws -> CustomerRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT state, activity FROM customers WHERE id = ?", arguments: [id.rawValue]) else {
            return nil
        }
        return CustomerRecord(
            state: try WireCoding.decode(ProfileState.self, from: row["state"]),
            activity: try WireCoding.decode(CustomerActivity.self, from: row["activity"])
        )
    }

    /// Saves a customer; a state change takes the next change sequence, so
    /// terminals pull it.
    private static func save(_ db: Database, _ record: CustomerRecord, stateChanged: Bool) throws {
        let id = record.state.id.rawValue
        let state = try WireCoding.encode(record.state)
        let activity = try WireCoding.encode(record.activity)
        if stateChanged {
            try db.execute(sql: "UPDATE settings SET value = value + 1 WHERE key = 'change_seq'")
            let changeSeq = try Int64.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'change_seq'")!
            try db.execute(
                sql: """
                    INSERT INTO customers (id, state, activity, change_seq) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET state = excluded.state, activity = excluded.activity, change_seq = excluded.change_seq
                    """,
                arguments: [id, state, activity, changeSeq]
            )
        } else {
            try db.execute(sql: "UPDATE customers SET activity = ? WHERE id = ?", arguments: [activity, id])
        }
        if record.state.isErased {
            try db.execute(sql: "DELETE FROM cards WHERE customer = ?", arguments: [id])
        }
        for card in record.state.cards {
            try db.execute(sql: "INSERT INTO cards (card, customer) VALUES (?, ?) ON CONFLICT (card) DO NOTHING", arguments: [card.rawValue, id])
        }
    }

    /// Makes the customer one the store's terminals receive; true if new.
    private static func linkStore(_ db: Database, store: StoreID, customer: CustomerID) throws -> Bool {
        try db.execute(
            sql: "INSERT INTO store_customers (store, customer) VALUES (?, ?) ON CONFLICT DO NOTHING",
            arguments: [store.rawValue, customer.rawValue]
        )
        return db.changesCount > 0
    }

    /// Stores an entry under the authenticated terminal (routes refuse entries
    /// naming another one; an unreadable entry may name none).
    private static func insertEntry(_ db: Database, terminal: TerminalID, incoming: IncomingEntry, entry: JournalEntry?, status: String, body: Data, receivedAt: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO entries (terminal, seq, id, kind, customer, recorded_at_ms, received_at_ms, status, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                terminal.rawValue, incoming.seq, incoming.storedID, entry?.event.kind.rawValue,
                entry?.event.customer?.rawValue, entry?.recordedAt.millis, receivedAt.millis, status, body,
            ]
        )
    }

    // MARK: Access

    private func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(HubError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.hubError(error)
        }
    }

    private func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(HubError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.hubError(error)
        }
    }

    private static func hubError(_ error: any Error) -> HubError {
        if let error = error as? HubError { return error }
        return HubError(.storage, "hub database: \(error)")
    }
}

extension TerminalContact {
    var skewMillis: Int64? { skewSeconds.map { Int64(($0 * 1000).rounded()) } }
}
