public import Foundation
public import OmnisyncCore
import NIOCore
import NIOFoundationCompat
import PostgresNIO

/// The terminals' sync on PostgreSQL: pushes stored exactly once and applied
/// by the shared ``Ingestor``, pulls that never skip a change, card lookups.
///
/// A push locks its terminal's row first: two replicas receiving the same
/// terminal's resend take turns, and the second finds the entries stored
/// (exactly once on `(terminal, seq)`). It then locks the customers the batch
/// touches, in id order, and stamps the changed ones last.
extension PostgresHubStore: SyncStore {
    public func push(_ batch: IncomingPush, from terminal: TerminalRecord, contact: TerminalContact) async throws(HubError) -> PushResponse {
        // The hub's stamp for the purchase events this batch may raise, taken
        // apart: the clock's row is then locked for a moment, not for the
        // whole push (which would serialise every push of every replica).
        // Only a sale raises an event: a batch without one takes no stamp.
        let sells = batch.entries.contains { incoming in
            guard case .success(let entry) = incoming.decoded, case .sale = entry.event else { return false }
            return true
        }
        let stamp = sells ? try await reserveHubStamp(at: contact.receivedAt) : nil
        return try await transaction { connection in
            let rows = try await connection.query(
                "SELECT acknowledged_seq, last_clamped, token_hash, revoked_at_ms FROM terminals WHERE id = \(terminal.id.rawValue) FOR UPDATE",
                logger: logger
            ).collect()
            guard let row = rows.first else { throw HubError(.unknownTerminal, "terminal \(terminal.id) is not registered") }
            let (acknowledged, lastClamped, tokenHash, revokedAt) = try row.decode((Int64, String?, String, Int64?).self)
            try terminal.checkStillAdmitted(revoked: revokedAt != nil, tokenHash: tokenHash)
            if let first = batch.entries.first?.seq, first > acknowledged + 1 {
                // Restored from a backup: a new epoch sends every terminal's pulls back to the start.
                _ = try await Self.rotateEpochAfterRestore(connection, at: contact.receivedAt, logger: logger)
            }
            let plan = try PushPlan(
                batch: batch, acknowledgedSeq: acknowledged,
                storedIDs: try await Self.storedIDs(
                    connection, terminal: terminal.id, seqs: PushPlan.resentSeqs(in: batch, acknowledgedSeq: acknowledged), logger: logger
                )
            )
            var input = try await Self.ingestInput(
                connection, for: plan.accepted, terminal: terminal, lastClamped: lastClamped.flatMap(HLCTimestamp.init),
                receivedAt: contact.receivedAt, logger: logger
            )
            if acknowledged == 0 {
                input.chainTip = .start
            } else if let tip = try await connection.query(
                "SELECT hash FROM entries WHERE terminal = \(terminal.id.rawValue) AND seq = \(acknowledged)", logger: logger
            ).collect().first.flatMap({ try $0.decode(String?.self) }) {
                input.chainTip = .hash(tip)
            }
            let output = Ingestor().ingest(plan.accepted, input)
            try await Self.write(
                output, loaded: input.customers, terminal: terminal, receivedAt: contact.receivedAt, eventStamp: stamp, connection, logger: logger
            )
            try await connection.query(
                """
                UPDATE terminals SET acknowledged_seq = \(plan.acknowledgedSeq), reported_backlog = \(batch.backlog),
                    last_contact_ms = \(contact.receivedAt.millis), clock_skew_ms = COALESCE(\(contact.skewMillis), clock_skew_ms)
                WHERE id = \(terminal.id.rawValue)
                """,
                logger: logger
            )
            return PushResponse(
                acknowledgedSeq: plan.acknowledgedSeq, stored: plan.accepted.count, duplicates: plan.duplicates,
                quarantined: output.stored.filter { $0.quarantineReason != nil }.count
            )
        }
    }

    public func pull(for terminal: TerminalRecord, after cursor: String?, limit: Int, contact: TerminalContact) async throws(HubError) -> PullPage {
        let parsed = try PullCursor.received(cursor)
        let pageSize = PullCursor.pageSize(limit)
        return try await transaction { connection in
            try await Self.recordContact(connection, terminal: terminal.id, contact, logger: logger)
            var epoch = try await Self.epoch(connection, logger: logger)
            // The last sequence handed out and committed: a transaction
            // holding the counter's lock has not committed, so its value is not seen.
            let highest = try await connection.query("SELECT value FROM change_counter WHERE id = 1", logger: logger).collect()[0].decode(Int64.self)
            let (start, ahead) = PullCursor.start(for: parsed, epoch: epoch, highest: highest)
            if ahead { epoch = try await Self.rotateEpochAfterRestore(connection, at: contact.receivedAt, logger: logger) }
            let rows = try await connection.query(
                """
                SELECT c.id, c.state, c.wire, c.change_seq FROM store_customers s JOIN customers c ON c.id = s.customer
                WHERE s.store = \(terminal.store.rawValue) AND c.change_seq > \(start)
                ORDER BY c.change_seq LIMIT \(pageSize + 1)
                """,
                logger: logger
            ).collect()
            var profiles: [Data] = []
            var next = start
            for row in rows.prefix(pageSize) {
                let (id, state, wire, seq) = try row.decode((String, Data, Data?, Int64).self)
                if let wire {
                    profiles.append(wire)
                } else {
                    // The first pull after a change encodes it once for every terminal.
                    let encoded = try WireCoding.encode(try ProfileState(compactBytes: [UInt8](state)))
                    try await connection.query(
                        "UPDATE customers SET wire = \(encoded) WHERE id = \(id) AND change_seq = \(seq) AND wire IS NULL", logger: logger
                    )
                    profiles.append(encoded)
                }
                next = seq
            }
            return PullPage(profiles: profiles, cursor: PullCursor(epoch: epoch, seq: next).description, hasMore: rows.count > pageSize)
        }
    }

    public func lookUp(card: CardNumber, for terminal: TerminalRecord, contact: TerminalContact) async throws(HubError) -> ProfileState? {
        let answer: ProfileState?? = try await transaction { connection in
            try await Self.recordContact(connection, terminal: terminal.id, contact, logger: logger)
            let limit = try await Self.setting(connection, "hub_settings", default: HubSettings.default, logger: logger).cardLookupsPerMinute
            let recent = try await connection.query(
                """
                SELECT COUNT(*) FROM card_lookups WHERE terminal = \(terminal.id.rawValue) AND at_ms > \(contact.receivedAt.millis - 60_000)
                AND outcome != 'refused'
                """,
                logger: logger
            ).collect()[0].decode(Int64.self)
            func audit(_ outcome: CardLookupRecord.Outcome, _ customer: CustomerID?) async throws {
                try await connection.query(
                    """
                    INSERT INTO card_lookups (terminal, card_last4, customer, outcome, at_ms)
                    VALUES (\(terminal.id.rawValue), \(card.masked), \(customer?.rawValue), \(outcome.rawValue), \(contact.receivedAt.millis))
                    """,
                    logger: logger
                )
            }
            guard recent < limit else {
                try await audit(.refused, nil)
                return .none
            }
            guard let holder = try await PostgresCustomerRows.cardHolder(connection, card, logger: logger),
                let record = try await PostgresCustomerRows.load(connection, id: holder, logger: logger)
            else {
                try await audit(.unknown, nil)
                return .some(nil)
            }
            try await audit(.found, holder)
            if try await PostgresCustomerRows.linkStore(connection, store: terminal.store, customer: holder, logger: logger) {
                // Stamped so the store's other terminals receive it on their next pull.
                try await PostgresCustomerRows.stamp(connection, [holder], logger: logger)
            }
            return .some(record.state)
        }
        guard let answer else {
            throw HubError(.tooManyRequests, "terminal \(terminal.id) looked up more cards in the last minute than the hub allows; try again in a minute")
        }
        return answer
    }

    public func cardLookups(terminal: TerminalID?, limit: Int) async throws(HubError) -> [CardLookupRecord] {
        try await read { connection in
            let rows: PostgresRowSequence
            if let terminal {
                rows = try await connection.query(
                    """
                    SELECT terminal, card_last4, customer, outcome, at_ms FROM card_lookups WHERE terminal = \(terminal.rawValue)
                    ORDER BY id DESC LIMIT \(limit)
                    """,
                    logger: logger
                )
            } else {
                rows = try await connection.query(
                    "SELECT terminal, card_last4, customer, outcome, at_ms FROM card_lookups ORDER BY id DESC LIMIT \(limit)", logger: logger
                )
            }
            var records: [CardLookupRecord] = []
            for try await (terminal, last4, customer, outcome, at) in rows.decode((String, String, String?, String, Int64).self) {
                records.append(CardLookupRecord(
                    terminal: try TerminalID(validating: terminal), card: last4, customer: try customer.map { try CustomerID(validating: $0) },
                    outcome: CardLookupRecord.Outcome(rawValue: outcome) ?? .refused, at: Date(millis: at)!
                ))
            }
            return records
        }
    }

    // MARK: Epochs

    static func epoch(_ connection: PostgresConnection, logger: Logger) async throws -> String {
        if let epoch = try await setting(connection, "epoch", default: String?.none, logger: logger) { return epoch }
        // Two replicas making the first epoch at once: the first one written wins.
        let candidate = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try await connection.query(
            "INSERT INTO settings (key, value) VALUES ('epoch', \(try WireCoding.encode(candidate))) ON CONFLICT (key) DO NOTHING", logger: logger
        )
        return try await setting(connection, "epoch", default: candidate, logger: logger)
    }

    static func rotateEpochAfterRestore(_ connection: PostgresConnection, at now: Date, logger: Logger) async throws -> String {
        let last = try await setting(connection, "epoch_rotated_at_ms", default: Int64(0), lock: true, logger: logger)
        guard now.millis - last > 86_400_000 else { return try await epoch(connection, logger: logger) }
        try await setSetting(connection, "epoch_rotated_at_ms", now.millis, logger: logger)
        let epoch = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try await setSetting(connection, "epoch", epoch, logger: logger)
        return epoch
    }

    // MARK: Push internals

    static func storedIDs(_ connection: PostgresConnection, terminal: TerminalID, seqs: [Int64], logger: Logger) async throws -> [Int64: String] {
        guard let low = seqs.min(), let high = seqs.max() else { return [:] }
        var ids: [Int64: String] = [:]
        for try await (seq, id) in try await connection.query(
            "SELECT seq, id FROM entries WHERE terminal = \(terminal.rawValue) AND seq BETWEEN \(low) AND \(high)", logger: logger
        ).decode((Int64, String).self) {
            ids[seq] = id
        }
        return ids
    }

    /// Loads, and locks, what the ``Ingestor`` needs to decide about `entries`.
    static func ingestInput(
        _ connection: PostgresConnection, for entries: [IncomingEntry], terminal: TerminalRecord, lastClamped: HLCTimestamp?, receivedAt: Date, logger: Logger
    ) async throws -> Ingestor.Input {
        let references = Ingestor.references(in: entries)
        // A card enrolled at two tills reaches two replicas at once: the second
        // waits for the first to commit, then finds the card and merges.
        try await lockIdentifiers(connection, Set(references.cards.map { "card:" + $0.rawValue }), logger: logger)
        var aliases = try await PostgresCustomerRows.resolveMany(connection, references.customers, logger: logger)
        var targets = Set(references.customers.map { aliases[$0] ?? $0 })
        var owners: [CardNumber: CustomerID] = [:]
        var cardRows: [(CardNumber, CustomerID)] = []
        for try await (card, customer) in try await connection.query(
            "SELECT card, customer FROM cards WHERE card = ANY(\(references.cards.map(\.rawValue)))", logger: logger
        ).decode((String, String).self) {
            if let card = CardNumber(rawValue: card), let customer = CustomerID(rawValue: customer) { cardRows.append((card, customer)) }
        }
        let holders = try await PostgresCustomerRows.resolveMany(connection, Set(cardRows.map(\.1)), logger: logger)
        for (card, holder) in cardRows {
            owners[card] = holders[holder] ?? holder
            targets.insert(holders[holder] ?? holder)
        }
        aliases.merge(holders) { mine, _ in mine }
        let customers = try await PostgresCustomerRows.loadMany(connection, ids: targets, lock: true, logger: logger)
        // Locked now; merged away by another replica between the lookups and the lock: start again.
        if !(try await PostgresCustomerRows.resolveMany(connection, targets, logger: logger)).isEmpty {
            throw TransactionRetry()
        }
        var corrections: [HLCTimestamp: HLCTimestamp] = [:]
        let own = references.stamps.filter { $0.replica == ReplicaID(terminal.id) }
        if lastClamped != nil, !own.isEmpty {
            for try await (original, clamped) in try await connection.query(
                "SELECT original, clamped FROM clamped_stamps WHERE terminal = \(terminal.id.rawValue) AND original = ANY(\(own.map(\.description)))",
                logger: logger
            ).decode((String, String).self) {
                if let original = HLCTimestamp(original), let clamped = HLCTimestamp(clamped) { corrections[original] = clamped }
            }
        }
        let settings = try await setting(connection, "hub_settings", default: HubSettings.default, logger: logger)
        return Ingestor.Input(
            terminal: terminal.id, store: terminal.store, policy: try await policy(connection, store: terminal.store, logger: logger),
            receivedAt: receivedAt, clockToleranceMillis: settings.clockToleranceMillis, lastClamped: lastClamped, corrections: corrections,
            customers: customers, aliases: aliases, cardOwners: owners
        )
    }

    /// Takes a transaction-scoped advisory lock on each identifier (a card,
    /// an email, a phone), in one order, so transactions that would create
    /// or claim the same one take turns.
    static func lockIdentifiers(_ connection: PostgresConnection, _ keys: Set<String>, logger: Logger) async throws {
        guard !keys.isEmpty else { return }
        try await connection.query(
            """
            SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(\(Array(keys))::text[]) AS k ORDER BY h) AS s
            """,
            logger: logger
        )
    }

    /// Writes what the ``Ingestor`` decided: the entries, then their effects.
    static func write(
        _ output: Ingestor.Output, loaded: [CustomerID: CustomerRecord], terminal: TerminalRecord, receivedAt: Date, eventStamp: HLCTimestamp?,
        _ connection: PostgresConnection, logger: Logger
    ) async throws {
        // One statement for the batch's entries ('' and Int64.min stand for NULL: arrays carry no optionals).
        if !output.stored.isEmpty {
            let stored = output.stored
            try await connection.query(
                """
                INSERT INTO entries (terminal, seq, id, kind, customer, recorded_at_ms, received_at_ms, status, body, hash)
                SELECT \(terminal.id.rawValue), e.seq, e.id, NULLIF(e.kind, ''), NULLIF(e.customer, ''), NULLIF(e.recorded, \(Int64.min)),
                    \(receivedAt.millis), e.status, e.body, e.hash
                FROM unnest(\(stored.map(\.incoming.seq))::bigint[], \(stored.map(\.incoming.storedID))::text[],
                    \(stored.map { $0.entry?.event.kind.rawValue ?? "" })::text[], \(stored.map { $0.customer?.rawValue ?? "" })::text[],
                    \(stored.map { $0.entry?.recordedAt.millis ?? Int64.min })::bigint[],
                    \(stored.map { $0.quarantineReason == nil ? "applied" : "quarantined" })::text[],
                    \(try stored.map { ByteBuffer(data: try SQLiteHubStore.body(of: $0)) })::bytea[],
                    \(stored.map { $0.incoming.recordedHash ?? $0.incoming.receivedHash })::text[])
                    AS e(seq, id, kind, customer, recorded, status, body, hash)
                """,
                logger: logger
            )
        }
        for stored in output.stored {
            if let reason = stored.quarantineReason {
                try await connection.query(
                    """
                    INSERT INTO quarantine (terminal, seq, reason, quarantined_at_ms)
                    VALUES (\(terminal.id.rawValue), \(stored.incoming.seq), \(reason), \(receivedAt.millis))
                    """,
                    logger: logger
                )
            }
        }
        try await writeEffects(output, loaded: loaded, terminal: terminal, receivedAt: receivedAt, eventStamp: eventStamp, connection, logger: logger)
    }

    /// Writes the effects of applied entries on customers, logs and clocks,
    /// stamping the changed customers last.
    static func writeEffects(
        _ output: Ingestor.Output, loaded: [CustomerID: CustomerRecord], terminal: TerminalRecord, receivedAt: Date, eventStamp: HLCTimestamp? = nil,
        _ connection: PostgresConnection, logger: Logger
    ) async throws {
        var erasedCards: [CustomerID: Set<CardNumber>] = [:]
        for id in output.erased {
            erasedCards[id] = try await PostgresCustomerRows.cards(connection, of: [id] + (output.customers[id]?.state.mergedFrom.sorted() ?? []), logger: logger)
        }
        for alias in output.absorbed {
            try await PostgresCustomerRows.absorb(connection, alias, at: receivedAt, logger: logger)
        }
        let linked = try await PostgresCustomerRows.linkedCustomers(connection, store: terminal.store, Set(output.customers.keys), logger: logger)
        var customers = output.customers
        var changedStates = output.changedStates
        try await raisePurchaseEvents(
            connection, output, loaded: loaded, customers: &customers, changedStates: &changedStates, at: receivedAt, stamp: eventStamp, logger: logger
        )
        let newlyLinked = try await PostgresCustomerRows.linkStore(
            connection, store: terminal.store, customers: Set(customers.keys).subtracting(linked), logger: logger
        )
        let stamped = newlyLinked.union(changedStates.intersection(customers.keys))
        try await PostgresCustomerRows.saveMany(
            connection, customers.values.map { ($0, loaded[$0.state.id], changedStates.contains($0.state.id)) }, logger: logger
        )
        try await PostgresOrderRows.insert(
            connection, output.stored.compactMap { stored in stored.quarantineReason == nil ? stored.entry.map { ($0, stored.customer) } : nil },
            store: terminal.store, logger: logger
        )
        for record in output.conflicts {
            try await insert(connection, record, logger: logger)
        }
        for record in output.overdrafts {
            try await insert(connection, record, logger: logger)
        }
        for record in output.offerOveruses {
            try await insert(connection, record, logger: logger)
        }
        for (original, clamped) in output.corrections {
            try await connection.query(
                """
                INSERT INTO clamped_stamps (terminal, original, clamped) VALUES (\(terminal.id.rawValue), \(original.description), \(clamped.description))
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
        }
        if let lastClamped = output.lastClamped {
            try await connection.query("UPDATE terminals SET last_clamped = \(lastClamped.description) WHERE id = \(terminal.id.rawValue)", logger: logger)
        }
        for id in output.erased {
            if let record = output.customers[id] {
                try await PostgresCustomerRows.scrubErased(connection, record.state, cards: erasedCards[id] ?? [], logger: logger)
            }
        }
        // Last: holds the counter's lock until commit.
        try await PostgresCustomerRows.stamp(connection, stamped, logger: logger)
    }

    /// Records the first and large purchases among a batch's applied sales
    /// and tags those customers' profiles (see ``SQLiteHubStore``).
    static func raisePurchaseEvents(
        _ connection: PostgresConnection, _ output: Ingestor.Output, loaded: [CustomerID: CustomerRecord],
        customers: inout [CustomerID: CustomerRecord], changedStates: inout Set<CustomerID>, at receivedAt: Date, stamp reserved: HLCTimestamp?,
        logger: Logger
    ) async throws {
        let purchases = output.stored.compactMap { stored -> PurchaseEvents.Purchase? in
            guard stored.quarantineReason == nil, let customer = stored.customer, let entry = stored.entry, case .sale(let sale) = entry.event,
                customers[customer]?.state.isErased == false
            else { return nil }
            return PurchaseEvents.Purchase(customer: customer, total: sale.total, at: entry.recordedAt)
        }
        guard !purchases.isEmpty else { return }
        let largeAmount = try await setting(connection, "crm_settings", default: CRMSettings.default, logger: logger).largePurchase
        let events = PurchaseEvents.detect(purchases, ordersBefore: { loaded[$0]?.activity.orders ?? 0 }, largeAmount: largeAmount)
        guard !events.isEmpty else { return }
        let stamp: HLCTimestamp
        if let reserved {
            stamp = reserved
        } else {
            var clock = try await hubClock(connection, logger: logger)
            stamp = clock.tick(wallMillis: receivedAt.millis)
            try await saveHubClock(connection, clock, logger: logger)
        }
        for (id, raised) in Dictionary(grouping: events, by: \.customer) {
            guard var record = customers[id] else { continue }
            let before = record.state
            try? PurchaseEvents.tag(&record.state, with: Set(raised.map(\.kind)), stamp: stamp)
            if record.state != before {
                customers[id] = record
                changedStates.insert(id)
            }
        }
        for event in events {
            try await connection.query(
                """
                INSERT INTO customer_events (customer, kind, at_ms, currency, total, raised_at_ms)
                VALUES (\(event.customer.rawValue), \(event.kind.rawValue), \(event.at.millis), \(event.total.currency.rawValue),
                    \(event.total.amount), \(receivedAt.millis))
                """,
                logger: logger
            )
        }
    }

    static func insert(_ connection: PostgresConnection, _ record: ConflictRecord, logger: Logger) async throws {
        let row = ConflictRow(record)
        try await connection.query(
            """
            INSERT INTO conflicts (customer, field, lost_value, lost_stamp, won_value, won_stamp, terminal, seq, detected_at_ms)
            VALUES (\(row.customer), \(row.field), \(row.lostValue), \(row.lostStamp), \(row.wonValue), \(row.wonStamp), \(row.terminal), \(row.seq),
                \(row.detectedAtMs))
            """,
            logger: logger
        )
    }

    static func insert(_ connection: PostgresConnection, _ record: OverdraftRecord, logger: Logger) async throws {
        let row = OverdraftRow(record)
        try await connection.query(
            """
            INSERT INTO overdrafts (customer, terminal, store, seq, redeemed, balance, allowance, detected_at_ms, approved_at_ms, note)
            VALUES (\(row.customer), \(row.terminal), \(row.store), \(row.seq), \(row.redeemed), \(row.balance), \(row.allowance),
                \(row.detectedAtMs), \(row.approvedAtMs), \(row.note))
            """,
            logger: logger
        )
    }

    static func insert(_ connection: PostgresConnection, _ record: OfferOveruseRecord, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO offer_overuses (campaign, customer, terminal, store, seq, channel, order_id, outside_window, uses, allowed, detected_at_ms)
            VALUES (\(record.campaign.rawValue), \(record.customer.rawValue), \(record.terminal?.rawValue), \(record.store?.rawValue), \(record.seq),
                \(record.channel), \(record.orderID), \(record.outsideWindow), \(Int64(record.uses)), \(record.allowed.map(Int64.init)),
                \(record.detectedAt.millis))
            """,
            logger: logger
        )
    }
}

/// Thrown inside a transaction whose reads were overtaken by another
/// replica's commit: the transaction is run again from the start.
struct TransactionRetry: Error, CustomStringConvertible {
    var description: String {
        "concurrent changes by other hub replicas kept overtaking this request (\(PostgresHubStore.maxAttempts) attempts); send it again"
    }
}
