public import Foundation
import GRDB
public import OmnisyncCore
import OmnisyncStorage

/// The hub's embedded backend: one SQLite file in WAL mode.
///
/// Right for a small chain on one machine. Hub commands (`terminals add`,
/// `status`) open the same file while `serve` runs; WAL lets them read, and
/// writers wait for each other. SQLite has one writer at a time, so every
/// method's transaction sees a stable world and `change_seq` values are
/// assigned in commit order.
public struct SQLiteHubStore: HubStore {
    private let pool: DatabasePool
    /// Pushes commit in groups (see ``GroupCommit``).
    private let pushes: GroupCommit

    /// Opens (creating if needed) the database at `path` and migrates it. An
    /// acknowledged push survives a power cut at the hub too (see ``DurableSQLite``).
    public init(path: String) throws(HubError) {
        do {
            pool = try DurableSQLite.open(path: path, label: "omnisync-hub", migrator: SQLiteHubMigrations.migrator)
        } catch {
            throw HubError(.storage, "cannot open the hub database \(path): \(error)")
        }
        pushes = GroupCommit(pool: pool)
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

    public func rotateToken(_ id: TerminalID, tokenHash: String) async throws(HubError) -> TerminalRecord {
        try await write { db in
            guard let terminal = try Self.terminal(db, id: id) else {
                throw HubError(.unknownTerminal, "no terminal \(id) is registered (see `omnisync-hub terminals list`)")
            }
            guard !terminal.isRevoked else {
                throw HubError(.terminalRevoked, "terminal \(id) is revoked and stays so; register the device under a new id")
            }
            try db.execute(sql: "UPDATE terminals SET token_hash = ? WHERE id = ?", arguments: [tokenHash, id.rawValue])
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
        let (answer, erased) = try await groupWrite { db in
            var erasedSomeone = false
            guard let current = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT acknowledged_seq, last_clamped, token_hash, revoked_at_ms FROM terminals WHERE id = ?"),
                arguments: [terminal.id.rawValue]
            ) else {
                throw HubError(.unknownTerminal, "terminal \(terminal.id) is not registered")
            }
            // Checked again inside the transaction: a push authenticated just
            // before a revocation or a token rotation must not commit.
            if (current["revoked_at_ms"] as Int64?) != nil {
                throw HubError(.terminalRevoked, "terminal \(terminal.id) was revoked; register the device again to get a new token")
            }
            if let authenticated = terminal.tokenHash, (current["token_hash"] as String?) != authenticated {
                throw HubError(.unauthorized, "the token of terminal \(terminal.id) was replaced while this push was in flight; use the new token")
            }
            let acknowledged: Int64 = current["acknowledged_seq"]
            if let first = batch.entries.first?.seq, first > acknowledged + 1 {
                // The terminal had entries acknowledged that the database no
                // longer holds: it was restored from a backup. A new epoch makes
                // every terminal pull from the start, so none skips a change.
                _ = try Self.rotateEpochAfterRestore(db, at: contact.receivedAt)
            }
            let plan = try PushPlan(
                batch: batch,
                acknowledgedSeq: acknowledged,
                storedIDs: try Self.storedIDs(db, terminal: terminal.id, seqs: PushPlan.resentSeqs(in: batch, acknowledgedSeq: acknowledged))
            )
            var input = try Self.ingestInput(
                db, for: plan.accepted, terminal: terminal, lastClamped: (current["last_clamped"] as String?).flatMap(HLCTimestamp.init),
                receivedAt: contact.receivedAt
            )
            if acknowledged == 0 {
                input.chainTip = .start
            } else if let tip = try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM entries WHERE terminal = ? AND seq = ?"), arguments: [terminal.id.rawValue, acknowledged]) {
                input.chainTip = .hash(tip)
            }
            let output = Ingestor().ingest(plan.accepted, input)
            try Self.write(output, terminal: terminal, receivedAt: contact.receivedAt, in: db)
            let purgePending = try Self.setting(db, Self.purgePendingKey, default: false)
            erasedSomeone = !output.erased.isEmpty || purgePending
            try db.run(
                sql: """
                    UPDATE terminals SET acknowledged_seq = ?, reported_backlog = ?, last_contact_ms = ?,
                        clock_skew_ms = COALESCE(?, clock_skew_ms)
                    WHERE id = ?
                    """,
                arguments: [plan.acknowledgedSeq, batch.backlog, contact.receivedAt.millis, contact.skewMillis, terminal.id.rawValue]
            )
            let answer = PushResponse(
                acknowledgedSeq: plan.acknowledgedSeq,
                stored: plan.accepted.count,
                duplicates: plan.duplicates,
                quarantined: output.stored.filter { $0.quarantineReason != nil }.count
            )
            return (answer, erasedSomeone)
        }
        if erased { try purgeOldPageVersions() }
        return answer
    }

    public func pull(for terminal: TerminalRecord, after cursor: String?, limit: Int, contact: TerminalContact) async throws(HubError) -> PullPage {
        let parsed: PullCursor?
        if let cursor {
            guard let value = PullCursor(cursor) else {
                throw HubError(.malformedRequest, "invalid cursor '\(cursor.prefix(40))': send back the cursor of the previous pull")
            }
            parsed = value
        } else {
            parsed = nil
        }
        let pageSize = min(max(limit, 1), 1000)
        return try await write { db in
            try Self.recordContact(db, terminal: terminal.id, contact)
            var epoch = try Self.epoch(db)
            let highest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = 'change_seq'")) ?? 0
            let (start, ahead) = PullCursor.start(for: parsed, epoch: epoch, highest: highest)
            if ahead {
                // This terminal has seen changes the database no longer holds.
                epoch = try Self.rotateEpochAfterRestore(db, at: contact.receivedAt)
            }
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
            return PullPage(profiles: profiles, cursor: PullCursor(epoch: epoch, seq: next).description, hasMore: rows.count > pageSize)
        }
    }

    /// The hub database's history (see ``PullCursor``), made on first use.
    private static func epoch(_ db: Database) throws -> String {
        if let epoch = try setting(db, "epoch", default: String?.none) { return epoch }
        return try rotateEpoch(db)
    }

    /// A new epoch for a restored database, unless one was started in the
    /// last day: every terminal that detects the same restore would otherwise
    /// start another, and each would send every terminal back to the start.
    private static func rotateEpochAfterRestore(_ db: Database, at now: Date) throws -> String {
        let last = try setting(db, "epoch_rotated_at_ms", default: Int64(0))
        guard now.millis - last > 86_400_000 else { return try epoch(db) }
        try setSetting(db, "epoch_rotated_at_ms", now.millis)
        return try rotateEpoch(db)
    }

    /// Starts a new history: every terminal's next pull starts from the beginning.
    private static func rotateEpoch(_ db: Database) throws -> String {
        let epoch = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try setSetting(db, "epoch", epoch)
        return epoch
    }

    public func lookUp(card: CardNumber, for terminal: TerminalRecord, contact: TerminalContact) async throws(HubError) -> ProfileState? {
        let answer: ProfileState?? = try await write { db in
            try Self.recordContact(db, terminal: terminal.id, contact)
            let limit = try Self.setting(db, "hub_settings", default: HubSettings.default).cardLookupsPerMinute
            let recent = try Int64.fetchOne(
                db, sql: "SELECT COUNT(*) FROM card_lookups WHERE terminal = ? AND at_ms > ? AND outcome != 'refused'",
                arguments: [terminal.id.rawValue, contact.receivedAt.millis - 60_000]
            ) ?? 0
            func audit(_ outcome: CardLookupRecord.Outcome, _ customer: CustomerID?) throws {
                try db.execute(
                    sql: "INSERT INTO card_lookups (terminal, card_last4, customer, outcome, at_ms) VALUES (?, ?, ?, ?, ?)",
                    arguments: [terminal.id.rawValue, card.masked, customer?.rawValue, outcome.rawValue, contact.receivedAt.millis]
                )
            }
            guard recent < limit else {
                try audit(.refused, nil)
                return .none
            }
            guard let holder = try Self.cardHolder(db, card), let record = try Self.customer(db, id: holder) else {
                try audit(.unknown, nil)
                return .some(nil)
            }
            try audit(.found, holder)
            if try Self.linkStore(db, store: terminal.store, customer: holder) {
                // Bump it so the store's other terminals receive it on their next pull.
                try Self.save(db, record, stateChanged: true)
            }
            return .some(record.state)
        }
        guard let answer else {
            throw HubError(.tooManyRequests, "terminal \(terminal.id) looked up more cards in the last minute than the hub allows; try again in a minute")
        }
        return answer
    }

    public func cardLookups(terminal: TerminalID?, limit: Int) async throws(HubError) -> [CardLookupRecord] {
        try await read { db in
            let filter = terminal == nil ? "" : " WHERE terminal = ?"
            let arguments: StatementArguments = terminal.map { [$0.rawValue, limit] } ?? [limit]
            return try Row.fetchAll(db, sql: "SELECT * FROM card_lookups\(filter) ORDER BY id DESC LIMIT ?", arguments: arguments).map { row in
                CardLookupRecord(
                    terminal: try TerminalID(validating: row["terminal"]), card: row["card_last4"],
                    customer: try (row["customer"] as String?).map { try CustomerID(validating: $0) },
                    outcome: CardLookupRecord.Outcome(rawValue: row["outcome"]) ?? .refused, at: Date(millis: row["at_ms"])!
                )
            }
        }
    }

    // MARK: Customers

    public func customer(id: CustomerID) async throws(HubError) -> CustomerRecord? {
        try await read { db in try Self.customer(db, id: try Self.resolve(db, id)) }
    }

    public func customer(card: CardNumber) async throws(HubError) -> CustomerRecord? {
        try await read { db in
            guard let holder = try Self.cardHolder(db, card) else { return nil }
            return try Self.customer(db, id: holder)
        }
    }

    public func mergeCustomers(survivor: CustomerID, absorbed: CustomerID, at: Date) async throws(HubError) -> CustomerRecord {
        try await write { db in
            let survivorID = try Self.resolve(db, survivor)
            let absorbedID = try Self.resolve(db, absorbed)
            guard survivorID != absorbedID else {
                throw HubError(.malformedRequest, "\(absorbed) and \(survivor) are already one customer (\(survivorID))")
            }
            guard var kept = try Self.customer(db, id: survivorID) else { throw HubError(.notFound, "no customer \(survivor) at the hub") }
            guard let gone = try Self.customer(db, id: absorbedID) else { throw HubError(.notFound, "no customer \(absorbed) at the hub") }
            guard !kept.state.isErased, !gone.state.isErased else {
                throw HubError(.malformedRequest, "an erased customer cannot be merged")
            }
            kept.state.absorb(gone.state)
            kept.activity.absorb(gone.activity)
            try Self.absorb(db, AliasRecord(alias: absorbedID, target: survivorID, reason: "merged by an operator"), at: at)
            try Self.save(db, kept, stateChanged: true)
            return kept
        }
    }

    public func eraseCustomer(_ id: CustomerID, at: Date) async throws(HubError) -> CustomerRecord {
        let erased = try await write { db in
            let target = try Self.resolve(db, id)
            guard var record = try Self.customer(db, id: target) else { throw HubError(.notFound, "no customer \(id) at the hub") }
            let cards = record.state.cards.union(try Self.cards(db, of: [target] + record.state.mergedFrom.sorted()))
            record.state.erase(at: try Self.tickHubClock(db, now: at))
            record.activity = CustomerActivity()
            try Self.save(db, record, stateChanged: true)
            try Self.scrubErased(db, record.state, cards: cards)
            return record
        }
        try purgeOldPageVersions()
        return erased
    }

    // MARK: Operators

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
                conflicts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conflicts") ?? 0,
                overdraftsPendingReview: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM overdrafts WHERE approved_at_ms IS NULL") ?? 0,
                erasurePurgePending: try Self.setting(db, Self.purgePendingKey, default: false)
            )
        }
    }

    public func conflicts(customer: CustomerID?, limit: Int) async throws(HubError) -> [ConflictRecord] {
        try await read { db in
            var sql = "SELECT * FROM conflicts"
            var arguments: StatementArguments = []
            if let customer {
                sql += " WHERE customer = ?"
                arguments += [try Self.resolve(db, customer).rawValue]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.conflictRecord)
        }
    }

    public func overdrafts(includeApproved: Bool) async throws(HubError) -> [OverdraftRecord] {
        try await read { db in
            let filter = includeApproved ? "" : " WHERE approved_at_ms IS NULL"
            return try Row.fetchAll(db, sql: "SELECT * FROM overdrafts\(filter) ORDER BY id").map(Self.overdraftRecord)
        }
    }

    public func quarantined() async throws(HubError) -> [QuarantinedEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT q.terminal, q.seq, q.reason, q.quarantined_at_ms, e.kind, e.customer
                    FROM quarantine q JOIN entries e ON e.terminal = q.terminal AND e.seq = q.seq
                    ORDER BY q.quarantined_at_ms, q.terminal, q.seq
                    """
            ).map { row in
                QuarantinedEntry(
                    terminal: try TerminalID(validating: row["terminal"]), seq: row["seq"], kind: row["kind"],
                    customer: (row["customer"] as String?).flatMap(CustomerID.init(rawValue:)), reason: row["reason"],
                    quarantinedAt: Date(millis: row["quarantined_at_ms"])!
                )
            }
        }
    }

    public func retryQuarantined(terminal: TerminalID?, seq: Int64?, accept: Bool, at: Date) async throws(HubError) -> [RetryOutcome] {
        let (outcomes, erased) = try await write { db in
            var sql = "SELECT terminal, seq FROM quarantine"
            var arguments: StatementArguments = []
            if let terminal {
                sql += " WHERE terminal = ?"
                arguments += [terminal.rawValue]
                if let seq {
                    sql += " AND seq = ?"
                    arguments += [seq]
                }
            }
            let rows = try Row.fetchAll(db, sql: sql + " ORDER BY terminal, seq", arguments: arguments)
            if rows.isEmpty, let terminal {
                throw HubError(.notFound, "nothing of terminal \(terminal)\(seq.map { " at seq \($0)" } ?? "") is quarantined")
            }
            var outcomes: [RetryOutcome] = []
            var erasedSomeone = false
            for row in rows {
                let id = try TerminalID(validating: row["terminal"])
                let seq: Int64 = row["seq"]
                guard let record = try Self.terminal(db, id: id),
                    let storedRow = try Row.fetchOne(db, sql: "SELECT body, hash FROM entries WHERE terminal = ? AND seq = ?", arguments: [id.rawValue, seq])
                else { continue }
                var incoming = try IncomingEntry.read(storedRow["body"] as Data)
                if !accept {
                    // Re-check the content against what the terminal recorded.
                    incoming.recordedHash = storedRow["hash"]
                }
                let lastClamped = try String.fetchOne(db, sql: "SELECT last_clamped FROM terminals WHERE id = ?", arguments: [id.rawValue]).flatMap(HLCTimestamp.init)
                var input = try Self.ingestInput(db, for: [incoming], terminal: record, lastClamped: lastClamped, receivedAt: at)
                input.acceptPolicyExceptions = accept
                if !accept {
                    // A broken hash chain is re-checked: applying such an entry
                    // takes an operator's explicit --accept.
                    if seq == 1 {
                        input.chainTip = .start
                    } else if let tip = try String.fetchOne(db, sql: "SELECT hash FROM entries WHERE terminal = ? AND seq = ?", arguments: [id.rawValue, seq - 1]) {
                        input.chainTip = .hash(tip)
                    }
                }
                let output = Ingestor().ingest([incoming], input)
                let stored = output.stored[0]
                if let reason = stored.quarantineReason {
                    try db.execute(sql: "UPDATE quarantine SET reason = ? WHERE terminal = ? AND seq = ?", arguments: [reason, id.rawValue, seq])
                    outcomes.append(RetryOutcome(terminal: id, seq: seq, applied: false, reason: reason))
                    continue
                }
                try Self.writeEffects(output, terminal: record, receivedAt: at, in: db)
                try db.execute(
                    sql: "UPDATE entries SET status = 'applied', body = ?, kind = ?, customer = ? WHERE terminal = ? AND seq = ?",
                    arguments: [try Self.body(of: stored), stored.entry?.event.kind.rawValue, stored.customer?.rawValue, id.rawValue, seq]
                )
                try db.execute(sql: "DELETE FROM quarantine WHERE terminal = ? AND seq = ?", arguments: [id.rawValue, seq])
                erasedSomeone = erasedSomeone || !output.erased.isEmpty
                outcomes.append(RetryOutcome(terminal: id, seq: seq, applied: true, reason: nil))
            }
            return (outcomes, erasedSomeone)
        }
        if erased { try purgeOldPageVersions() }
        return outcomes
    }

    public func approveOverdraft(_ id: Int64, note: String?, at: Date) async throws(HubError) -> OverdraftRecord {
        try await write { db in
            guard try Row.fetchOne(db, sql: "SELECT id FROM overdrafts WHERE id = ?", arguments: [id]) != nil else {
                throw HubError(.notFound, "no overdraft #\(id) (see `omnisync-hub review list`)")
            }
            try db.execute(
                sql: "UPDATE overdrafts SET approved_at_ms = COALESCE(approved_at_ms, ?), note = COALESCE(?, note) WHERE id = ?",
                arguments: [at.millis, note, id]
            )
            return try Self.overdraftRecord(try Row.fetchOne(db, sql: "SELECT * FROM overdrafts WHERE id = ?", arguments: [id])!)
        }
    }

    // MARK: Policies and settings

    public func policy(for store: StoreID) async throws(HubError) -> LoyaltyPolicy {
        try await read { db in try Self.policy(db, store: store) }
    }

    public func policies() async throws(HubError) -> (chain: LoyaltyPolicy, stores: [StoreID: LoyaltyPolicy]) {
        try await read { db in
            var stores: [StoreID: LoyaltyPolicy] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT store, policy FROM store_policies") {
                stores[try StoreID(validating: row["store"])] = try WireCoding.decode(LoyaltyPolicy.self, from: row["policy"])
            }
            return (try Self.setting(db, "loyalty_policy", default: LoyaltyPolicy.default), stores)
        }
    }

    public func setPolicy(_ policy: LoyaltyPolicy, for store: StoreID?) async throws(HubError) {
        try await write { db in
            if let store {
                try db.execute(
                    sql: "INSERT INTO store_policies (store, policy) VALUES (?, ?) ON CONFLICT (store) DO UPDATE SET policy = excluded.policy",
                    arguments: [store.rawValue, try WireCoding.encode(policy)]
                )
            } else {
                try Self.setSetting(db, "loyalty_policy", policy)
            }
        }
    }

    public func settings() async throws(HubError) -> HubSettings {
        try await read { db in try Self.setting(db, "hub_settings", default: HubSettings.default) }
    }

    public func setSettings(_ settings: HubSettings) async throws(HubError) {
        try await write { db in try Self.setSetting(db, "hub_settings", settings) }
    }

    // MARK: Ingestion

    private static func storedIDs(_ db: Database, terminal: TerminalID, seqs: [Int64]) throws -> [Int64: String] {
        guard let low = seqs.min(), let high = seqs.max() else { return [:] }
        var ids: [Int64: String] = [:]
        for row in try Row.fetchAll(
            db,
            sql: "SELECT seq, id FROM entries WHERE terminal = ? AND seq BETWEEN ? AND ?",
            arguments: [terminal.rawValue, low, high]
        ) {
            ids[row["seq"]] = row["id"]
        }
        return ids
    }

    /// Loads what the ``Ingestor`` needs to decide about `entries`.
    private static func ingestInput(_ db: Database, for entries: [IncomingEntry], terminal: TerminalRecord, lastClamped: HLCTimestamp?, receivedAt: Date) throws -> Ingestor.Input {
        let references = Ingestor.references(in: entries)
        var aliases: [CustomerID: CustomerID] = [:]
        var targets = Set<CustomerID>()
        for id in references.customers {
            let target = try resolve(db, id)
            if target != id { aliases[id] = target }
            targets.insert(target)
        }
        var owners: [CardNumber: CustomerID] = [:]
        for card in references.cards {
            if let holder = try cardHolder(db, card) {
                owners[card] = holder
                targets.insert(holder)
            }
        }
        var customers: [CustomerID: CustomerRecord] = [:]
        for id in targets {
            customers[id] = try customer(db, id: id)
        }
        var corrections: [HLCTimestamp: HLCTimestamp] = [:]
        for stamp in references.stamps where stamp.replica == ReplicaID(terminal.id) {
            if let clamped = try String.fetchOne(
                db,
                sql: "SELECT clamped FROM clamped_stamps WHERE terminal = ? AND original = ?",
                arguments: [terminal.id.rawValue, stamp.description]
            ).flatMap(HLCTimestamp.init) {
                corrections[stamp] = clamped
            }
        }
        let settings = try setting(db, "hub_settings", default: HubSettings.default)
        return Ingestor.Input(
            terminal: terminal.id, store: terminal.store, policy: try policy(db, store: terminal.store), receivedAt: receivedAt,
            clockToleranceMillis: settings.clockToleranceMillis, lastClamped: lastClamped, corrections: corrections,
            customers: customers, aliases: aliases, cardOwners: owners
        )
    }

    /// Writes what the ``Ingestor`` decided, in the push's transaction: the
    /// entries, then their effects.
    private static func write(_ output: Ingestor.Output, terminal: TerminalRecord, receivedAt: Date, in db: Database) throws {
        for stored in output.stored {
            let body = try body(of: stored)
            try db.run(
                sql: """
                    INSERT INTO entries (terminal, seq, id, kind, customer, recorded_at_ms, received_at_ms, status, body, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    terminal.id.rawValue, stored.incoming.seq, stored.incoming.storedID, stored.entry?.event.kind.rawValue,
                    stored.customer?.rawValue, stored.entry?.recordedAt.millis, receivedAt.millis,
                    stored.quarantineReason == nil ? "applied" : "quarantined", body,
                    stored.incoming.recordedHash ?? stored.incoming.receivedHash,
                ]
            )
            if let reason = stored.quarantineReason {
                try db.run(
                    sql: "INSERT INTO quarantine (terminal, seq, reason, quarantined_at_ms) VALUES (?, ?, ?, ?)",
                    arguments: [terminal.id.rawValue, stored.incoming.seq, reason, receivedAt.millis]
                )
            }
        }
        try writeEffects(output, terminal: terminal, receivedAt: receivedAt, in: db)
    }

    /// The stored form of an entry: its canonical bytes as received (the
    /// hash chain vouches for them; stamps the hub clamped are translated
    /// through `clamped_stamps` when read), redacted if its customer is erased.
    private static func body(of stored: Ingestor.Stored) throws -> Data {
        if stored.redact, let entry = stored.entry {
            return try WireCoding.encode(entry.redactingPersonalData())
        }
        return stored.incoming.bytes
    }

    /// Writes the effects of applied entries on customers, logs and clocks.
    private static func writeEffects(_ output: Ingestor.Output, terminal: TerminalRecord, receivedAt: Date, in db: Database) throws {
        // Read before saving the erased states drops their cards from the index.
        var erasedCards: [CustomerID: Set<CardNumber>] = [:]
        for id in output.erased {
            erasedCards[id] = try cards(db, of: [id] + (output.customers[id]?.state.mergedFrom.sorted() ?? []))
        }
        for alias in output.absorbed {
            try absorb(db, alias, at: receivedAt)
        }
        for (id, record) in output.customers.sorted(by: { $0.key < $1.key }) {
            let linked = try linkStore(db, store: terminal.store, customer: id)
            try save(db, record, stateChanged: linked || output.changedStates.contains(id))
        }
        for record in output.conflicts {
            try insert(db, record)
        }
        for record in output.overdrafts {
            try db.run(
                sql: """
                    INSERT INTO overdrafts (customer, terminal, store, seq, redeemed, balance, allowance, detected_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.customer.rawValue, record.terminal.rawValue, record.store.rawValue, record.seq, record.redeemed,
                    record.balance, record.allowance, record.detectedAt.millis,
                ]
            )
        }
        for (original, clamped) in output.corrections {
            try db.run(
                sql: "INSERT INTO clamped_stamps (terminal, original, clamped) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [terminal.id.rawValue, original.description, clamped.description]
            )
        }
        if let lastClamped = output.lastClamped {
            try db.run(sql: "UPDATE terminals SET last_clamped = ? WHERE id = ?", arguments: [lastClamped.description, terminal.id.rawValue])
        }
        for id in output.erased {
            if let record = output.customers[id] { try scrubErased(db, record.state, cards: erasedCards[id] ?? []) }
        }
    }

    // MARK: Rows

    private static func terminal(_ db: Database, id: TerminalID) throws -> TerminalRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM terminals WHERE id = ?"), arguments: [id.rawValue]).map(terminalRecord)
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
            clockSkewSeconds: (row["clock_skew_ms"] as Int64?).map { Double($0) / 1000 },
            tokenHash: row["token_hash"]
        )
    }

    private static func recordContact(_ db: Database, terminal: TerminalID, _ contact: TerminalContact) throws {
        try db.run(
            sql: "UPDATE terminals SET last_contact_ms = ?, clock_skew_ms = COALESCE(?, clock_skew_ms) WHERE id = ?",
            arguments: [contact.receivedAt.millis, contact.skewMillis, terminal.rawValue]
        )
    }

    /// The customer `id` stands for: itself, or the one it was merged into.
    private static func resolve(_ db: Database, _ id: CustomerID) throws -> CustomerID {
        try String.fetchOne(db.cachedStatement(sql: "SELECT target FROM customer_aliases WHERE alias = ?"), arguments: [id.rawValue])
            .flatMap(CustomerID.init(rawValue:)) ?? id
    }

    private static func cardHolder(_ db: Database, _ card: CardNumber) throws -> CustomerID? {
        guard let holder = try String.fetchOne(db.cachedStatement(sql: "SELECT customer FROM cards WHERE card = ?"), arguments: [card.rawValue]) else {
            return nil
        }
        return try resolve(db, try CustomerID(validating: holder))
    }

    private static func customer(_ db: Database, id: CustomerID) throws -> CustomerRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT state, activity FROM customers WHERE id = ?"), arguments: [id.rawValue]) else {
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
            try db.run(sql: "UPDATE settings SET value = value + 1 WHERE key = 'change_seq'")
            let changeSeq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = 'change_seq'"))!
            try db.run(
                sql: """
                    INSERT INTO customers (id, state, activity, change_seq) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET state = excluded.state, activity = excluded.activity, change_seq = excluded.change_seq
                    """,
                arguments: [id, state, activity, changeSeq]
            )
        } else {
            try db.run(sql: "UPDATE customers SET activity = ? WHERE id = ?", arguments: [activity, id])
        }
        if record.state.isErased {
            try db.run(sql: "DELETE FROM cards WHERE customer = ?", arguments: [id])
        }
        // The first customer to hold a card keeps it; a disagreement is logged
        // by the ingestor, and settled by an identity merge.
        for card in record.state.cards {
            try db.run(sql: "INSERT INTO cards (card, customer) VALUES (?, ?) ON CONFLICT (card) DO NOTHING", arguments: [card.rawValue, id])
        }
    }

    /// Records that `alias` was merged into `target` and moves everything
    /// that pointed at it: its row goes, its cards, stores, conflicts and
    /// overdrafts follow, and earlier aliases of it now point at the target.
    private static func absorb(_ db: Database, _ alias: AliasRecord, at: Date) throws {
        let (from, to) = (alias.alias.rawValue, alias.target.rawValue)
        try db.run(sql: "DELETE FROM customers WHERE id = ?", arguments: [from])
        try db.run(
            sql: "INSERT INTO customer_aliases (alias, target, reason, merged_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (alias) DO UPDATE SET target = excluded.target",
            arguments: [from, to, alias.reason, at.millis]
        )
        try db.run(sql: "UPDATE customer_aliases SET target = ? WHERE target = ?", arguments: [to, from])
        try db.run(sql: "UPDATE cards SET customer = ? WHERE customer = ?", arguments: [to, from])
        try db.run(
            sql: "INSERT INTO store_customers (store, customer) SELECT store, ? FROM store_customers WHERE customer = ? ON CONFLICT DO NOTHING",
            arguments: [to, from]
        )
        try db.run(sql: "DELETE FROM store_customers WHERE customer = ?", arguments: [from])
        try db.run(sql: "UPDATE conflicts SET customer = ? WHERE customer = ?", arguments: [to, from])
        try db.run(sql: "UPDATE overdrafts SET customer = ? WHERE customer = ?", arguments: [to, from])
    }

    /// Removes an erased customer's personal data from everything the hub
    /// keeps: the entries that named them, applied or quarantined (redacted,
    /// not deleted: the sales stay, and each keeps the hash its successor
    /// links to); the conflict log, card conflicts over their cards included;
    /// and the card lookup audit. `cards` are the cards they held before the
    /// erasure (an erased state holds none).
    private static func scrubErased(_ db: Database, _ state: ProfileState, cards: Set<CardNumber>) throws {
        let ids = ([state.id] + state.mergedFrom.sorted()).map(\.rawValue)
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT terminal, seq, body, status FROM entries WHERE customer IN (\(placeholders))",
            arguments: StatementArguments(ids)
        )
        for row in rows {
            try redact(db, terminal: row["terminal"], seq: row["seq"], body: row["body"], quarantined: row["status"] == "quarantined")
        }
        // Quarantined entries that could not be read have no customer column:
        // look for the customer's ids and cards in their bytes.
        let needles = ids + cards.map(\.rawValue)
        let unreadable = try Row.fetchAll(db, sql: "SELECT terminal, seq, body FROM entries WHERE status = 'quarantined' AND customer IS NULL")
        for row in unreadable {
            let body = String(decoding: row["body"] as Data, as: UTF8.self)
            guard needles.contains(where: { body.contains($0) }) else { continue }
            try redact(db, terminal: row["terminal"], seq: row["seq"], body: row["body"], quarantined: true)
        }
        try db.execute(sql: "DELETE FROM conflicts WHERE customer IN (\(placeholders))", arguments: StatementArguments(ids))
        // A card conflict names the holder in `won_value` and the card in `lost_value`.
        try db.execute(sql: "DELETE FROM conflicts WHERE field = 'card' AND won_value IN (\(placeholders))", arguments: StatementArguments(ids))
        for card in cards {
            try db.execute(sql: "DELETE FROM conflicts WHERE field = 'card' AND lost_value = ?", arguments: [card.rawValue])
        }
        try db.execute(sql: "UPDATE card_lookups SET customer = NULL, card_last4 = '****' WHERE customer IN (\(placeholders))", arguments: StatementArguments(ids))
    }

    /// Replaces a stored entry's body by its redacted form; an entry that
    /// cannot be read is replaced by a stub saying so (its quarantine reason
    /// too), since no part of it can be kept safely.
    private static func redact(_ db: Database, terminal: String, seq: Int64, body: Data, quarantined: Bool) throws {
        if let entry = try? WireCoding.decode(JournalEntry.self, from: body) {
            try db.run(sql: "UPDATE entries SET body = ? WHERE terminal = ? AND seq = ?", arguments: [try WireCoding.encode(entry.redactingPersonalData()), terminal, seq])
            return
        }
        let stub = try WireCoding.encode(["redacted": "the customer this entry named was erased", "seq": "\(seq)", "terminal": terminal])
        try db.run(sql: "UPDATE entries SET body = ? WHERE terminal = ? AND seq = ?", arguments: [stub, terminal, seq])
        if quarantined {
            try db.run(
                sql: "UPDATE quarantine SET reason = ? WHERE terminal = ? AND seq = ?",
                arguments: ["redacted: it named a customer since erased (it could not be read, so nothing of it was kept)", terminal, seq]
            )
        }
    }

    /// The cards `ids` hold in the card index.
    private static func cards(_ db: Database, of ids: [CustomerID]) throws -> Set<CardNumber> {
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        return Set(try String.fetchAll(db, sql: "SELECT card FROM cards WHERE customer IN (\(placeholders))", arguments: StatementArguments(ids.map(\.rawValue)))
            .compactMap(CardNumber.init(rawValue:)))
    }

    /// Makes the customer one the store's terminals receive; true if new.
    private static func linkStore(_ db: Database, store: StoreID, customer: CustomerID) throws -> Bool {
        try db.run(
            sql: "INSERT INTO store_customers (store, customer) VALUES (?, ?) ON CONFLICT DO NOTHING",
            arguments: [store.rawValue, customer.rawValue]
        )
        return db.changesCount > 0
    }

    private static func insert(_ db: Database, _ record: ConflictRecord) throws {
        try db.run(
            sql: """
                INSERT INTO conflicts (customer, field, lost_value, lost_stamp, won_value, won_stamp, terminal, seq, detected_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.customer.rawValue, record.conflict.field, record.conflict.lost.value, record.conflict.lost.stamp.description,
                record.conflict.won.value, record.conflict.won.stamp.description, record.terminal.rawValue, record.seq,
                record.detectedAt.millis,
            ]
        )
    }

    private static func conflictRecord(_ row: Row) throws -> ConflictRecord {
        func stamp(_ column: String) throws -> HLCTimestamp {
            guard let stamp = HLCTimestamp(row[column] as String) else { throw HubError(.storage, "conflict #\(row["id"] as Int64): unreadable \(column)") }
            return stamp
        }
        return ConflictRecord(
            id: row["id"],
            customer: try CustomerID(validating: row["customer"]),
            conflict: FieldConflict(
                field: row["field"],
                lost: .init(value: row["lost_value"], stamp: try stamp("lost_stamp")),
                won: .init(value: row["won_value"], stamp: try stamp("won_stamp"))
            ),
            terminal: try TerminalID(validating: row["terminal"]),
            seq: row["seq"],
            detectedAt: Date(millis: row["detected_at_ms"])!
        )
    }

    private static func overdraftRecord(_ row: Row) throws -> OverdraftRecord {
        OverdraftRecord(
            id: row["id"],
            customer: try CustomerID(validating: row["customer"]),
            terminal: try TerminalID(validating: row["terminal"]),
            store: try StoreID(validating: row["store"]),
            seq: row["seq"],
            redeemed: row["redeemed"],
            balance: row["balance"],
            allowance: row["allowance"],
            detectedAt: Date(millis: row["detected_at_ms"])!,
            approvedAt: Date(millis: row["approved_at_ms"]),
            note: row["note"]
        )
    }

    // MARK: Settings

    private static func policy(_ db: Database, store: StoreID) throws -> LoyaltyPolicy {
        if let data = try Data.fetchOne(db, sql: "SELECT policy FROM store_policies WHERE store = ?", arguments: [store.rawValue]) {
            return try WireCoding.decode(LoyaltyPolicy.self, from: data)
        }
        return try setting(db, "loyalty_policy", default: LoyaltyPolicy.default)
    }

    private static func setting<T: Decodable>(_ db: Database, _ key: String, default value: T) throws -> T {
        // Read on every push and pull: compiled once per connection.
        guard let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = ?"), arguments: [key]) else { return value }
        return try WireCoding.decode(T.self, from: data)
    }

    private static func setSetting(_ db: Database, _ key: String, _ value: some Encodable) throws {
        try db.execute(
            sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            arguments: [key, try WireCoding.encode(value)]
        )
    }

    /// The hub's own hybrid logical clock, persisted, for what the hub writes
    /// (an erasure on request).
    private static func tickHubClock(_ db: Database, now: Date) throws -> HLCTimestamp {
        let last = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'hub_clock'").flatMap(HLCTimestamp.init)
        var clock = HybridLogicalClock(replica: .hub, resumingAfter: last)
        let stamp = clock.tick(wallMillis: now.millis)
        try db.execute(
            sql: "INSERT INTO settings (key, value) VALUES ('hub_clock', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            arguments: [stamp.description]
        )
        return stamp
    }

    // MARK: Access

    /// After an erasure: no old page version with the erased data stays in
    /// the WAL. When readers keep the checkpoint from completing, a flag in
    /// the database says so (`erasurePurgePending`), and every later push
    /// and erasure, by any hub process, tries again until it completes.
    private func purgeOldPageVersions() throws(HubError) {
        do {
            let wasPending = try pool.read { db in try Self.setting(db, Self.purgePendingKey, default: false) }
            let completed = try DurableSQLite.purgeOldPageVersions(pool)
            // The flag is written only when it changes, and a completed purge
            // runs once more after clearing it, so the WAL is left empty.
            if completed == wasPending {
                try pool.write { db in try Self.setSetting(db, Self.purgePendingKey, !completed) }
                if completed { try DurableSQLite.purgeOldPageVersions(pool) }
            }
        } catch {
            throw Self.hubError(error)
        }
    }

    private static let purgePendingKey = "wal_purge_pending"

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

    /// Like ``write(_:)``, committed together with concurrent pushes.
    private func groupWrite<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(HubError) -> T {
        do {
            return try await pushes.write(body)
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
