import Foundation
import GRDB
public import OmnisyncCore
import OmnisyncStorage

/// The terminals' sync: pushes stored exactly once and applied (``Ingestor``),
/// pulls of the store's changed profiles, card lookups.
extension SQLiteHubStore {
    public func push(_ batch: IncomingPush, from terminal: TerminalRecord, contact: TerminalContact) async throws(HubError) -> PushResponse {
        let (answer, erased) = try await groupWrite { db in
            var erasedSomeone = false
            guard let current = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT acknowledged_seq, last_clamped, token_hash, revoked_at_ms FROM terminals WHERE id = ?"),
                arguments: [terminal.id.rawValue]
            ) else {
                throw HubError(.unknownTerminal, "terminal \(terminal.id) is not registered")
            }
            try terminal.checkStillAdmitted(revoked: (current["revoked_at_ms"] as Int64?) != nil, tokenHash: current["token_hash"])
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
            try Self.write(output, loaded: input.customers, terminal: terminal, receivedAt: contact.receivedAt, in: db)
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
        let parsed = try PullCursor.received(cursor)
        let pageSize = PullCursor.pageSize(limit)
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
                db.cachedStatement(sql: """
                    SELECT c.id, c.state, c.wire, c.change_seq FROM store_customers s JOIN customers c ON c.id = s.customer
                    WHERE s.store = ? AND c.change_seq > ?
                    ORDER BY c.change_seq
                    LIMIT ?
                    """),
                arguments: [terminal.store.rawValue, start, pageSize + 1]
            )
            let page = rows.prefix(pageSize)
            let profiles = try page.map { row -> Data in
                if let wire = row["wire"] as Data? { return wire }
                // The first pull after a change encodes it once for every terminal.
                let wire = try WireCoding.encode(try ProfileState(compactBytes: [UInt8](row["state"] as Data)))
                try db.run(sql: "UPDATE customers SET wire = ? WHERE id = ?", arguments: [wire, row["id"] as String])
                return wire
            }
            let next: Int64 = page.last?["change_seq"] ?? start
            return PullPage(profiles: profiles, cursor: PullCursor(epoch: epoch, seq: next).description, hasMore: rows.count > pageSize)
        }
    }

    /// The hub database's history (see ``PullCursor``), made on first use.
    static func epoch(_ db: Database) throws -> String {
        if let epoch = try setting(db, "epoch", default: String?.none) { return epoch }
        return try rotateEpoch(db)
    }

    /// A new epoch for a restored database, unless one was started in the
    /// last day: every terminal that detects the same restore would otherwise
    /// start another, and each would send every terminal back to the start.
    static func rotateEpochAfterRestore(_ db: Database, at now: Date) throws -> String {
        let last = try setting(db, "epoch_rotated_at_ms", default: Int64(0))
        guard now.millis - last > 86_400_000 else { return try epoch(db) }
        try setSetting(db, "epoch_rotated_at_ms", now.millis)
        return try rotateEpoch(db)
    }

    /// Starts a new history: every terminal's next pull starts from the beginning.
    static func rotateEpoch(_ db: Database) throws -> String {
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
                try CardLookupRow(terminal: terminal.id, card: card, customer: customer, outcome: outcome, at: contact.receivedAt).insert(db)
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
                try CustomerRows.save(db, record, before: record.activity, stateChanged: true)
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
            var request = CardLookupRow.order(Column("id").desc).limit(limit)
            if let terminal { request = request.filter(Column("terminal") == terminal.rawValue) }
            return try request.fetchAll(db).map { try $0.record }
        }
    }

    static func storedIDs(_ db: Database, terminal: TerminalID, seqs: [Int64]) throws -> [Int64: String] {
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
    static func ingestInput(_ db: Database, for entries: [IncomingEntry], terminal: TerminalRecord, lastClamped: HLCTimestamp?, receivedAt: Date) throws -> Ingestor.Input {
        let references = Ingestor.references(in: entries)
        // Batched: one statement per kind of lookup, whatever the batch's size.
        var aliases = try resolveMany(db, references.customers)
        var targets = Set(references.customers.map { aliases[$0] ?? $0 })
        var owners: [CardNumber: CustomerID] = [:]
        let cardRows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT card, customer FROM cards WHERE card IN (SELECT value FROM json_each(?))"),
            arguments: [CustomerRows.jsonList(references.cards.map(\.rawValue))]
        )
        let holders = try resolveMany(db, Set(try cardRows.map { try CustomerID(validating: $0[1]) }))
        for row in cardRows {
            guard let card = CardNumber(rawValue: row[0]), let holder = CustomerID(rawValue: row[1]) else { continue }
            owners[card] = holders[holder] ?? holder
            targets.insert(holders[holder] ?? holder)
        }
        aliases.merge(holders) { mine, _ in mine }
        let customers = try CustomerRows.loadMany(db, ids: targets)
        var corrections: [HLCTimestamp: HLCTimestamp] = [:]
        // Only a terminal whose stamps the hub ever clamped has corrections.
        let own = references.stamps.filter { $0.replica == ReplicaID(terminal.id) }
        if lastClamped != nil, !own.isEmpty {
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT original, clamped FROM clamped_stamps WHERE terminal = ? AND original IN (SELECT value FROM json_each(?))"),
                arguments: [terminal.id.rawValue, CustomerRows.jsonList(own.map(\.description))]
            )
            while let row = try rows.next() {
                if let original = HLCTimestamp(row[0]), let clamped = HLCTimestamp(row[1]) { corrections[original] = clamped }
            }
        }
        let settings = try setting(db, "hub_settings", default: HubSettings.default)
        return Ingestor.Input(
            terminal: terminal.id, store: terminal.store, policy: try policy(db, store: terminal.store), receivedAt: receivedAt,
            clockToleranceMillis: settings.clockToleranceMillis, lastClamped: lastClamped, corrections: corrections,
            customers: customers, aliases: aliases, cardOwners: owners
        )
    }

    /// The customers `ids` stand for, for those merged into another.
    static func resolveMany(_ db: Database, _ ids: Set<CustomerID>) throws -> [CustomerID: CustomerID] {
        guard !ids.isEmpty else { return [:] }
        var targets: [CustomerID: CustomerID] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT alias, target FROM customer_aliases WHERE alias IN (SELECT value FROM json_each(?))"),
            arguments: [CustomerRows.jsonList(ids.map(\.rawValue))]
        )
        while let row = try rows.next() {
            // Aliases point at the final survivor (merges re-point earlier aliases).
            targets[try CustomerID(validating: row[0])] = try CustomerID(validating: row[1])
        }
        return targets
    }

    /// Writes what the ``Ingestor`` decided, in the push's transaction: the
    /// entries, then their effects.
    static func write(_ output: Ingestor.Output, loaded: [CustomerID: CustomerRecord], terminal: TerminalRecord, receivedAt: Date, in db: Database) throws {
        for stored in output.stored {
            var insert = try BoundStatement(db, sql: """
                INSERT INTO entries (terminal, seq, id, kind, customer, recorded_at_ms, received_at_ms, status, body, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            insert.bind(terminal.id.rawValue)
            insert.bind(stored.incoming.seq)
            insert.bind(stored.incoming.storedID)
            insert.bind(stored.entry?.event.kind.rawValue)
            insert.bind(stored.customer?.rawValue)
            insert.bind(stored.entry?.recordedAt.millis)
            insert.bind(receivedAt.millis)
            insert.bind(stored.quarantineReason == nil ? "applied" : "quarantined")
            insert.bind(try body(of: stored))
            insert.bind(stored.incoming.recordedHash ?? stored.incoming.receivedHash)
            try insert.execute()
            if let reason = stored.quarantineReason {
                try db.run(
                    sql: "INSERT INTO quarantine (terminal, seq, reason, quarantined_at_ms) VALUES (?, ?, ?, ?)",
                    arguments: [terminal.id.rawValue, stored.incoming.seq, reason, receivedAt.millis]
                )
            }
        }
        try writeEffects(output, loaded: loaded, terminal: terminal, receivedAt: receivedAt, in: db)
    }

    /// Records the first and large purchases among a batch's applied sales
    /// (``PurchaseEvents``) and tags those customers' profiles, hub-stamped,
    /// so their stores' tills pull the tags with the sale's other effects.
    static func raisePurchaseEvents(
        _ db: Database, _ output: Ingestor.Output, loaded: [CustomerID: CustomerRecord],
        customers: inout [CustomerID: CustomerRecord], changedStates: inout Set<CustomerID>, at receivedAt: Date
    ) throws {
        let purchases = output.stored.compactMap { stored -> PurchaseEvents.Purchase? in
            guard stored.quarantineReason == nil, let customer = stored.customer, let entry = stored.entry, case .sale(let sale) = entry.event,
                customers[customer]?.state.isErased == false
            else { return nil }
            return PurchaseEvents.Purchase(customer: customer, total: sale.total, at: entry.recordedAt)
        }
        guard !purchases.isEmpty else { return }
        let largeAmount = try setting(db, "crm_settings", default: CRMSettings.default).largePurchase
        let events = PurchaseEvents.detect(purchases, ordersBefore: { loaded[$0]?.activity.orders ?? 0 }, largeAmount: largeAmount)
        guard !events.isEmpty else { return }
        let stamp = try tickHubClock(db, now: receivedAt)
        for (id, raised) in Dictionary(grouping: events, by: \.customer) {
            guard var record = customers[id] else { continue }
            let before = record.state
            // A profile already at its tag limit keeps its tags; the event is recorded all the same.
            try? PurchaseEvents.tag(&record.state, with: Set(raised.map(\.kind)), stamp: stamp)
            if record.state != before {
                customers[id] = record
                changedStates.insert(id)
            }
        }
        try EventRows.insert(db, events, raisedAt: receivedAt)
    }

    /// The stored form of an entry: its canonical bytes as received (the
    /// hash chain vouches for them; stamps the hub clamped are translated
    /// through `clamped_stamps` when read), redacted if its customer is erased.
    static func body(of stored: Ingestor.Stored) throws -> Data {
        if stored.redact, let entry = stored.entry {
            return try WireCoding.encode(entry.redactingPersonalData())
        }
        return stored.incoming.bytes
    }

    /// Writes the effects of applied entries on customers, logs and clocks.
    /// `loaded` holds the customers as read before the batch, so only what
    /// changed is written.
    static func writeEffects(_ output: Ingestor.Output, loaded: [CustomerID: CustomerRecord], terminal: TerminalRecord, receivedAt: Date, in db: Database) throws {
        // Read before saving the erased states drops their cards from the index.
        var erasedCards: [CustomerID: Set<CardNumber>] = [:]
        for id in output.erased {
            erasedCards[id] = try cards(db, of: [id] + (output.customers[id]?.state.mergedFrom.sorted() ?? []))
        }
        for alias in output.absorbed {
            try absorb(db, alias, at: receivedAt)
        }
        let linked = try linkedCustomers(db, store: terminal.store, Set(output.customers.keys))
        var customers = output.customers
        var changedStates = output.changedStates
        try raisePurchaseEvents(db, output, loaded: loaded, customers: &customers, changedStates: &changedStates, at: receivedAt)
        // Changed states take consecutive change sequences: one update of the counter per batch.
        var changeSeq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM settings WHERE key = 'change_seq'")) ?? 0
        for (id, record) in customers.sorted(by: { $0.key < $1.key }) {
            let newlyLinked = try !linked.contains(id) && linkStore(db, store: terminal.store, customer: id)
            var seq: Int64?
            if newlyLinked || changedStates.contains(id) {
                changeSeq += 1
                seq = changeSeq
            }
            try CustomerRows.save(db, record, before: loaded[id], changeSeq: seq)
        }
        try db.run(sql: "UPDATE settings SET value = ? WHERE key = 'change_seq'", arguments: [changeSeq])
        for stored in output.stored where stored.quarantineReason == nil {
            if let entry = stored.entry { try OrderRows.insert(db, entry: entry, customer: stored.customer, store: terminal.store) }
        }
        for record in output.conflicts {
            try insert(db, record)
        }
        for record in output.overdrafts {
            try OverdraftRow(record).insert(db)
        }
        for record in output.offerOveruses {
            try OfferOveruseRows.insert(db, record)
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
}
