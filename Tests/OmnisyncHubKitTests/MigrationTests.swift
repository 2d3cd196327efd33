import Foundation
import GRDB
import OmnisyncCore
import OmnisyncTestSupport
import PostgresNIO
import Testing
@testable import OmnisyncHubKit

/// A hub database written by an earlier version opens with everything it
/// held: migration v5 turns the JSON blobs into compact state and columns,
/// and the applied entries into order facts; v6 moves the totals into a column.
@Suite struct MigrationTests {
    @Test func aVersion4DatabaseMigratesItsCustomersAndEntriesIntoRows() async throws {
        let directory = try TemporaryDirectory("hub-migration")
        defer { directory.remove() }
        let path = directory.appending("hub.sqlite")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let merged: CustomerID = factory.identifier()
        let entries = [
            factory.sale(customer: customer, card: CardNumber(rawValue: "CARD1")!, enrolled: true, cents: 2500),
            factory.sale(customer: merged, cents: 1000),
            factory.entry(.scan(ScanEvent(customer: customer, card: nil, enrolled: false))),
        ]
        var state = ProfileState(id: customer)
        var activity = CustomerActivity()
        for entry in entries {
            var target = entry
            if entry.event.customer == merged, case .sale(var sale) = entry.event {
                // As the hub applied it once `merged` had been merged into `customer`.
                sale.customer = merged
                target.event = .sale(sale)
            }
            _ = try? state.apply(target)
            try activity.apply(entry, store: StoreID(rawValue: "S-1")!)
        }
        state.absorb(ProfileState(id: merged))
        let (stateJSON, activityJSON) = (try WireCoding.encode(state), try WireCoding.encode(activity))

        // The schema and rows of version 4, as that version wrote them.
        let queue = try DatabaseQueue(path: path)
        try SQLiteHubMigrations.migrator.migrate(queue, upTo: "v4: card lookup audit")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO terminals (id, store, token_hash, created_at_ms, acknowledged_seq) VALUES ('T-1', 'S-1', 'h', 0, 3)")
            for entry in entries {
                try db.execute(
                    sql: "INSERT INTO entries (terminal, seq, id, kind, customer, recorded_at_ms, received_at_ms, status, body, hash) VALUES (?, ?, ?, ?, ?, ?, 0, 'applied', ?, ?)",
                    arguments: [
                        "T-1", entry.seq, entry.id.rawValue, entry.event.kind.rawValue, entry.event.customer?.rawValue, entry.recordedAt.millis,
                        try WireCoding.encode(entry), try ChainHash.of(entry),
                    ]
                )
            }
            try db.execute(
                sql: "INSERT INTO customers (id, state, activity, change_seq) VALUES (?, ?, ?, 7)",
                arguments: [customer.rawValue, stateJSON, activityJSON]
            )
            try db.execute(sql: "INSERT INTO customer_aliases VALUES (?, ?, 'test', 0)", arguments: [merged.rawValue, customer.rawValue])
            try db.execute(sql: "INSERT INTO cards VALUES ('CARD1', ?)", arguments: [customer.rawValue])
            try db.execute(sql: "INSERT INTO store_customers VALUES ('S-1', ?)", arguments: [customer.rawValue])
        }
        try queue.close()

        let store = try SQLiteHubStore(path: path)
        let record = try #require(try await store.customer(id: merged))
        #expect(record.state == state)
        #expect(record.activity.orders == 2 && record.activity.visits == 1)
        #expect(record.activity.spend == [Currency(rawValue: "EUR")!: 3500])
        #expect(record.activity.storeOrders == [StoreID(rawValue: "S-1")!: 2])
        #expect(record.activity.channelOrders == ["store": 2])

        let facts = try DatabaseQueue(path: path)
        let (orders, lines, total, spend) = try await facts.read { db in
            (
                try String.fetchAll(db, sql: "SELECT customer FROM orders ORDER BY seq"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_lines") ?? 0,
                try Int64.fetchOne(db, sql: "SELECT SUM(total) FROM orders WHERE kind = 'sale'") ?? 0,
                try Int64.fetchOne(db, sql: "SELECT json_extract(totals, '$.spend.EUR') FROM customers WHERE id = ?", arguments: [customer.rawValue])
            )
        }
        // Both sales are the surviving customer's; the scan is no order.
        #expect(orders == [customer.rawValue, customer.rawValue])
        #expect(lines == 2 && total == 3500)
        // The totals column answers SQL, as the CRM reads it.
        #expect(spend == 3500)
    }

    /// Rows of every kind whose store scope differs: every store, one store,
    /// several (out of order), a region row.
    static let scopedPriceRows: [PriceListEntry] = {
        let eur = Currency(rawValue: "EUR")!
        let noon = Date(timeIntervalSince1970: 1_800_000_000)
        return [
            .rule(.base(sku: "SHOE", price: Money(amount: 8999, currency: eur))),
            .rule(.override(sku: "SHOE", scope: .store(StoreID(rawValue: "PARIS-01")!), price: Money(amount: 7999, currency: eur))),
            .rule(.override(sku: "SHOE", scope: .region("SOUTH"), price: Money(amount: 8499, currency: eur))),
            .rule(.member(sku: "SHOE", tier: "vip", price: Money(amount: 7999, currency: eur))),
            .rule(.promotion(Promotion(
                id: "P-1", target: .sku("SHOE"), discount: .percent(basisPoints: 1000), starts: noon, ends: noon.addingTimeInterval(60),
                stores: [StoreID(rawValue: "PARIS-01")!, StoreID(rawValue: "LYON-02")!, StoreID(rawValue: "AIX-09")!]
            ))),
            .rule(.promotion(Promotion(id: "P-2", target: .category("shoes"), discount: .percent(basisPoints: 500), starts: noon, ends: noon.addingTimeInterval(60)))),
            .region(store: StoreID(rawValue: "LYON-02")!, region: "SOUTH"),
            .category(sku: "SHOE", category: "shoes"),
        ]
    }()

    @Test func priceRowsWrittenBeforeVersion14AreScopedToTheirStoresBySQL() async throws {
        let directory = try TemporaryDirectory("hub-migration-prices")
        defer { directory.remove() }
        let path = directory.appending("hub.sqlite")
        let queue = try DatabaseQueue(path: path)
        try SQLiteHubMigrations.migrator.migrate(queue, upTo: "v13: price overrides, price lists at terminals")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO price_versions (version, imported_at_ms) VALUES (1, 0)")
            for entry in Self.scopedPriceRows {
                try db.execute(
                    sql: "INSERT INTO price_entries (key, body, version, removed) VALUES (?, ?, 1, 0)",
                    arguments: [entry.key, String(decoding: try WireCoding.encode(entry), as: UTF8.self)]
                )
            }
        }
        try queue.close()
        _ = try SQLiteHubStore(path: path)
        let stored = try await DatabaseQueue(path: path).read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, stores FROM price_entries").map { ($0["key"] as String, $0["stores"] as String?) })
        }
        for entry in Self.scopedPriceRows {
            #expect(stored[entry.key] == .some(entry.storesColumn), "\(entry.key)")
        }
        #expect(stored["promotion P-1"] == " AIX-09 LYON-02 PARIS-01 ")
    }

    @Test func offerDoubleUsesStoredBeforeVersion18KeepTheirTillAndNumber() async throws {
        let directory = try TemporaryDirectory("hub-migration-overuses")
        defer { directory.remove() }
        let path = directory.appending("hub.sqlite")
        let queue = try DatabaseQueue(path: path)
        try SQLiteHubMigrations.migrator.migrate(queue, upTo: "v17: feedback")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO offer_overuses (campaign, customer, terminal, store, seq, uses, allowed, detected_at_ms, approved_at_ms, note)
                VALUES ('c-1', '0190a1b2-0000-7000-8000-000000000001', 'T-1', 'S-1', 42, 2, 1, 1000, 2000, 'storm')
                """)
        }
        try queue.close()
        let store = try SQLiteHubStore(path: path)
        let records = try await store.offerOveruses(includeApproved: true)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.terminal?.rawValue == "T-1" && record.store?.rawValue == "S-1" && record.seq == 42 && record.channel == nil)
        #expect(record.uses == 2 && record.allowed == 1 && record.note == "storm" && record.approvedAt == Date(millis: 2000))
        // Numbering goes on after the copied rows.
        let next = OfferOveruseRecord(
            campaign: record.campaign, customer: record.customer, channel: "web", orderID: "W-1", uses: 3, allowed: 1, detectedAt: Date(millis: 3000)!
        )
        try await store.write { db in try OfferOveruseRows.insert(db, next) }
        #expect(try await store.offerOveruses(includeApproved: true).map(\.id) == [record.id, (record.id ?? 0) + 1])
    }

    @Test(.enabled(if: PostgresScratch.serverURL != nil, "needs the test PostgreSQL server (scripts/test starts one)"))
    func priceRowsWrittenBeforeVersion14AreScopedToTheirStoresBySQLOnPostgreSQL() async throws {
        let store = try await PostgresHubStore(url: try await PostgresScratch.database("migrate-prices"))
        _ = try await store.importPriceList(PriceList(entries: Self.scopedPriceRows), at: Date())
        let backfill = try #require(PostgresHubMigrations.migrations.first { $0.name == "v14: price rows by store" }?.statements.last)
        let stored = try await store.transaction { connection in
            // As version 13 left them: no column value yet.
            try await connection.query("UPDATE price_entries SET stores = NULL", logger: store.logger)
            try await connection.query(PostgresQuery(unsafeSQL: backfill), logger: store.logger)
            var stored: [String: String?] = [:]
            for try await (key, stores) in try await connection.query("SELECT key, stores FROM price_entries", logger: store.logger).decode((String, String?).self) {
                stored[key] = stores
            }
            return stored
        }
        for entry in Self.scopedPriceRows {
            #expect(stored[entry.key] == .some(entry.storesColumn), "\(entry.key)")
        }
    }
}
