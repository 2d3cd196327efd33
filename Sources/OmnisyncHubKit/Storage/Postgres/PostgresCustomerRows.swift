import Foundation
import OmnisyncCore
import NIOCore
import PostgresNIO

/// How the PostgreSQL backend keeps a ``CustomerRecord`` (the same columns
/// as ``CustomerRows``), and the identity index around it.
///
/// A transaction that changes customers locks their rows first
/// (``loadMany(_:ids:lock:logger:)`` takes them in id order, so two
/// transactions never wait for each other in a cycle), and takes their
/// change sequences last (``stamp(_:_:logger:)``).
enum PostgresCustomerRows {
    static let recordColumns = "id, state, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms, totals"

    static func loadMany(_ connection: PostgresConnection, ids: Set<CustomerID>, lock: Bool, logger: Logger) async throws -> [CustomerID: CustomerRecord] {
        guard !ids.isEmpty else { return [:] }
        var records: [CustomerID: CustomerRecord] = [:]
        let rows = try await connection.query(
            """
            SELECT \(unescaped: recordColumns) FROM customers WHERE id = ANY(\(ids.map(\.rawValue).sorted()))
            ORDER BY id\(unescaped: lock ? " FOR UPDATE" : "")
            """,
            logger: logger
        )
        for try await row in rows {
            let record = try record(row)
            records[record.state.id] = record
        }
        return records
    }

    static func load(_ connection: PostgresConnection, id: CustomerID, lock: Bool = false, logger: Logger) async throws -> CustomerRecord? {
        try await loadMany(connection, ids: [id], lock: lock, logger: logger)[id]
    }

    static func record(_ row: PostgresRow) throws -> CustomerRecord {
        let (id, bytes, orders, returns, visits, first, last, seen, totals) = try row.decode(
            (String, Data, Int64, Int64, Int64, Int64?, Int64?, Int64?, String?).self
        )
        let state: ProfileState
        do {
            state = try ProfileState(compactBytes: [UInt8](bytes))
        } catch {
            throw HubError(.storage, "the stored state of customer \(id) is unreadable (\(error)); restore the hub database from a backup")
        }
        var activity = CustomerActivity()
        activity.orders = Int(orders)
        activity.returns = Int(returns)
        activity.visits = Int(visits)
        activity.firstPurchase = Date(millis: first)
        activity.lastPurchase = Date(millis: last)
        activity.lastSeen = Date(millis: seen)
        try CustomerTotalsColumn.decode(totals, into: &activity)
        return CustomerRecord(state: state, activity: activity)
    }

    /// Saves a customer; `stateChanged` customers must then be stamped
    /// (``stamp(_:_:logger:)``) before the transaction commits. `before` is
    /// the record as loaded (nil: none), so known cards are not written again.
    static func save(_ connection: PostgresConnection, _ record: CustomerRecord, before: CustomerRecord?, stateChanged: Bool, logger: Logger) async throws {
        try await saveMany(connection, [(record, before, stateChanged)], logger: logger)
    }

    /// Saves a batch's customers (see ``save(_:_:before:stateChanged:logger:)``)
    /// with two statements whatever their number: one upsert of the new and
    /// changed ones, one update of the counters of the others. (Int64.min
    /// and '' stand for NULL: arrays carry no optionals.)
    static func saveMany(_ connection: PostgresConnection, _ records: [(CustomerRecord, CustomerRecord?, Bool)], logger: Logger) async throws {
        let sorted = records.sorted { $0.0.state.id < $1.0.state.id }
        let upserted = sorted.filter { $0.2 || $0.1 == nil }.map(\.0)
        let counted = sorted.filter { !$0.2 && $0.1 != nil && $0.1?.activity != $0.0.activity }.map(\.0)
        func millis(_ date: Date?) -> Int64 { date?.millis ?? Int64.min }
        if !upserted.isEmpty {
            let activity = upserted.map(\.activity)
            try await connection.query(
                """
                INSERT INTO customers (id, state, wire, change_seq, orders, returns, visits, first_purchase_ms, last_purchase_ms, last_seen_ms, totals)
                SELECT c.id, c.state, NULL, 0, c.orders, c.returns, c.visits, NULLIF(c.first, \(Int64.min)), NULLIF(c.last, \(Int64.min)),
                    NULLIF(c.seen, \(Int64.min)), NULLIF(c.totals, '')
                FROM unnest(\(upserted.map(\.state.id.rawValue))::text[], \(upserted.map { ByteBuffer(bytes: $0.state.compactBytes) })::bytea[],
                    \(activity.map { Int64($0.orders) })::bigint[], \(activity.map { Int64($0.returns) })::bigint[],
                    \(activity.map { Int64($0.visits) })::bigint[], \(activity.map { millis($0.firstPurchase) })::bigint[],
                    \(activity.map { millis($0.lastPurchase) })::bigint[], \(activity.map { millis($0.lastSeen) })::bigint[],
                    \(activity.map { CustomerTotalsColumn.encode($0) ?? "" })::text[])
                    AS c(id, state, orders, returns, visits, first, last, seen, totals)
                ORDER BY c.id
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, wire = NULL,
                    orders = excluded.orders, returns = excluded.returns, visits = excluded.visits,
                    first_purchase_ms = excluded.first_purchase_ms, last_purchase_ms = excluded.last_purchase_ms,
                    last_seen_ms = excluded.last_seen_ms, totals = excluded.totals
                """,
                logger: logger
            )
        }
        if !counted.isEmpty {
            let activity = counted.map(\.activity)
            try await connection.query(
                """
                UPDATE customers SET orders = c.orders, returns = c.returns, visits = c.visits, first_purchase_ms = NULLIF(c.first, \(Int64.min)),
                    last_purchase_ms = NULLIF(c.last, \(Int64.min)), last_seen_ms = NULLIF(c.seen, \(Int64.min)), totals = NULLIF(c.totals, '')
                FROM unnest(\(counted.map(\.state.id.rawValue))::text[], \(activity.map { Int64($0.orders) })::bigint[],
                    \(activity.map { Int64($0.returns) })::bigint[], \(activity.map { Int64($0.visits) })::bigint[],
                    \(activity.map { millis($0.firstPurchase) })::bigint[], \(activity.map { millis($0.lastPurchase) })::bigint[],
                    \(activity.map { millis($0.lastSeen) })::bigint[], \(activity.map { CustomerTotalsColumn.encode($0) ?? "" })::text[])
                    AS c(id, orders, returns, visits, first, last, seen, totals)
                WHERE customers.id = c.id
                """,
                logger: logger
            )
        }
        for (record, before, changed) in sorted {
            if changed || before == nil {
                try await PostgresContactRows.update(connection, record.state, before: before?.state, logger: logger)
            }
            if record.state.isErased {
                try await connection.query("DELETE FROM cards WHERE customer = \(record.state.id.rawValue)", logger: logger)
            }
            for card in record.state.cards where before?.state.cards.contains(card) != true {
                try await connection.query(
                    "INSERT INTO cards (card, customer) VALUES (\(card.rawValue), \(record.state.id.rawValue)) ON CONFLICT (card) DO NOTHING",
                    logger: logger
                )
            }
        }
    }

    /// Gives `ids` the next change sequences, in id order: the transaction's
    /// last step, since it holds `change_counter`'s lock until commit.
    /// Sequences therefore become visible in the order they were handed
    /// out, and a pull cursor (changes after N) never skips one.
    static func stamp(_ connection: PostgresConnection, _ ids: Set<CustomerID>, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        let last = try await connection.query(
            "UPDATE change_counter SET value = value + \(Int64(ids.count)) WHERE id = 1 RETURNING value", logger: logger
        ).collect()[0].decode(Int64.self)
        let sorted = ids.map(\.rawValue).sorted()
        let seqs = (0..<Int64(sorted.count)).map { last - Int64(sorted.count) + 1 + $0 }
        try await connection.query(
            """
            UPDATE customers SET change_seq = s.seq, wire = NULL
            FROM unnest(\(sorted)::text[], \(seqs)::bigint[]) AS s(id, seq) WHERE customers.id = s.id
            """,
            logger: logger
        )
    }

    /// The customers `ids` stand for, for those merged into another.
    static func resolveMany(_ connection: PostgresConnection, _ ids: Set<CustomerID>, logger: Logger) async throws -> [CustomerID: CustomerID] {
        guard !ids.isEmpty else { return [:] }
        var targets: [CustomerID: CustomerID] = [:]
        for try await (alias, target) in try await connection.query(
            "SELECT alias, target FROM customer_aliases WHERE alias = ANY(\(ids.map(\.rawValue)))", logger: logger
        ).decode((String, String).self) {
            targets[try CustomerID(validating: alias)] = try CustomerID(validating: target)
        }
        return targets
    }

    static func resolve(_ connection: PostgresConnection, _ id: CustomerID, logger: Logger) async throws -> CustomerID {
        try await resolveMany(connection, [id], logger: logger)[id] ?? id
    }

    static func cardHolder(_ connection: PostgresConnection, _ card: CardNumber, logger: Logger) async throws -> CustomerID? {
        let rows = try await connection.query("SELECT customer FROM cards WHERE card = \(card.rawValue)", logger: logger).collect()
        guard let holder = try rows.first?.decode(String.self) else { return nil }
        return try await resolve(connection, try CustomerID(validating: holder), logger: logger)
    }

    /// The cards `ids` hold in the card index.
    static func cards(_ connection: PostgresConnection, of ids: [CustomerID], logger: Logger) async throws -> Set<CardNumber> {
        guard !ids.isEmpty else { return [] }
        var cards: Set<CardNumber> = []
        for try await card in try await connection.query(
            "SELECT card FROM cards WHERE customer = ANY(\(ids.map(\.rawValue)))", logger: logger
        ).decode(String.self) {
            if let card = CardNumber(rawValue: card) { cards.insert(card) }
        }
        return cards
    }

    /// Which of `ids` the store's terminals already receive.
    static func linkedCustomers(_ connection: PostgresConnection, store: StoreID, _ ids: Set<CustomerID>, logger: Logger) async throws -> Set<CustomerID> {
        guard !ids.isEmpty else { return [] }
        var linked: Set<CustomerID> = []
        for try await id in try await connection.query(
            "SELECT customer FROM store_customers WHERE store = \(store.rawValue) AND customer = ANY(\(ids.map(\.rawValue)))", logger: logger
        ).decode(String.self) {
            if let id = CustomerID(rawValue: id) { linked.insert(id) }
        }
        return linked
    }

    /// Makes `customers` ones the store's terminals receive; returns those that were not.
    static func linkStore(_ connection: PostgresConnection, store: StoreID, customers: Set<CustomerID>, logger: Logger) async throws -> Set<CustomerID> {
        guard !customers.isEmpty else { return [] }
        var linked: Set<CustomerID> = []
        for try await id in try await connection.query(
            """
            INSERT INTO store_customers (store, customer) SELECT \(store.rawValue), c FROM unnest(\(customers.map(\.rawValue).sorted())::text[]) AS c
            ON CONFLICT DO NOTHING RETURNING customer
            """,
            logger: logger
        ).decode(String.self) {
            if let id = CustomerID(rawValue: id) { linked.insert(id) }
        }
        return linked
    }

    /// Makes the customer one the store's terminals receive; true if new.
    static func linkStore(_ connection: PostgresConnection, store: StoreID, customer: CustomerID, logger: Logger) async throws -> Bool {
        !(try await linkStore(connection, store: store, customers: [customer], logger: logger)).isEmpty
    }

    /// Records that `alias` was merged into `target` and moves everything
    /// that pointed at it (see ``SQLiteHubStore``'s `absorb`).
    static func absorb(_ connection: PostgresConnection, _ alias: AliasRecord, at: Date, logger: Logger) async throws {
        let (from, to) = (alias.alias.rawValue, alias.target.rawValue)
        for query: PostgresQuery in [
            "DELETE FROM customers WHERE id = \(from)",
            """
            INSERT INTO customer_aliases (alias, target, reason, merged_at_ms) VALUES (\(from), \(to), \(alias.reason), \(at.millis))
            ON CONFLICT (alias) DO UPDATE SET target = excluded.target
            """,
            "UPDATE customer_aliases SET target = \(to) WHERE target = \(from)",
            "UPDATE cards SET customer = \(to) WHERE customer = \(from)",
            "INSERT INTO store_customers (store, customer) SELECT store, \(to) FROM store_customers WHERE customer = \(from) ON CONFLICT DO NOTHING",
            "DELETE FROM store_customers WHERE customer = \(from)",
            "UPDATE conflicts SET customer = \(to) WHERE customer = \(from)",
            "UPDATE overdrafts SET customer = \(to) WHERE customer = \(from)",
            "UPDATE orders SET customer = \(to) WHERE customer = \(from)",
            "DELETE FROM customer_contacts WHERE customer = \(from)",
            "UPDATE customer_events SET customer = \(to) WHERE customer = \(from)",
            // Their purchases are one customer's now: work out the interests and window sums again.
            "UPDATE customers SET interests = NULL, window_stale = TRUE WHERE id = \(to)",
        ] {
            try await connection.query(query, logger: logger)
        }
    }

    /// Removes an erased customer's personal data from everything the hub
    /// keeps (see ``SQLiteHubStore``'s `scrubErased`).
    static func scrubErased(_ connection: PostgresConnection, _ state: ProfileState, cards: Set<CardNumber>, logger: Logger) async throws {
        let ids = ([state.id] + state.mergedFrom.sorted()).map(\.rawValue)
        let named = try await connection.query(
            "SELECT terminal, seq, body, status FROM entries WHERE customer = ANY(\(ids))", logger: logger
        ).collect()
        for row in named {
            let (terminal, seq, body, status) = try row.decode((String, Int64, Data, String).self)
            try await redact(connection, terminal: terminal, seq: seq, body: body, quarantined: status == "quarantined", logger: logger)
        }
        let needles = ids + cards.map(\.rawValue)
        let unreadable = try await connection.query(
            "SELECT terminal, seq, body FROM entries WHERE status = 'quarantined' AND customer IS NULL", logger: logger
        ).collect()
        for row in unreadable {
            let (terminal, seq, body) = try row.decode((String, Int64, Data).self)
            let text = String(decoding: body, as: UTF8.self)
            guard needles.contains(where: { text.contains($0) }) else { continue }
            try await redact(connection, terminal: terminal, seq: seq, body: body, quarantined: true, logger: logger)
        }
        let cardValues = cards.map(\.rawValue)
        for query: PostgresQuery in [
            "DELETE FROM conflicts WHERE customer = ANY(\(ids))",
            "DELETE FROM conflicts WHERE field = 'card' AND won_value = ANY(\(ids))",
            "DELETE FROM conflicts WHERE field = 'card' AND lost_value = ANY(\(cardValues))",
            "UPDATE card_lookups SET customer = NULL, card_last4 = '****' WHERE customer = ANY(\(ids))",
            // Their feedback keeps its score (it still counts), not what they wrote nor who they were.
            "UPDATE feedback SET comment = NULL, customer = NULL WHERE customer = ANY(\(ids))",
        ] {
            try await connection.query(query, logger: logger)
        }
    }

    static func redact(_ connection: PostgresConnection, terminal: String, seq: Int64, body: Data, quarantined: Bool, logger: Logger) async throws {
        if let entry = try? WireCoding.decode(JournalEntry.self, from: body) {
            try await connection.query(
                "UPDATE entries SET body = \(try WireCoding.encode(entry.redactingPersonalData())) WHERE terminal = \(terminal) AND seq = \(seq)",
                logger: logger
            )
            return
        }
        let stub = try WireCoding.encode(["redacted": "the customer this entry named was erased", "seq": "\(seq)", "terminal": terminal])
        try await connection.query("UPDATE entries SET body = \(stub) WHERE terminal = \(terminal) AND seq = \(seq)", logger: logger)
        if quarantined {
            let reason = "redacted: it named a customer since erased (it could not be read, so nothing of it was kept)"
            try await connection.query("UPDATE quarantine SET reason = \(reason) WHERE terminal = \(terminal) AND seq = \(seq)", logger: logger)
        }
    }
}
