import Foundation
import GRDB
import HTTPTypes
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// An erasure leaves nothing of the customer at the hub: not in applied or
/// quarantined entries (readable or not), not in the conflict log (card
/// conflicts included), not in the card lookup audit, and not in old page
/// versions of the write-ahead log, a checkpoint blocked by a reader being
/// reported and retried.
@Suite struct ErasureScrubTests {
    @Test func nothingOfAnErasedCustomerRemainsAnywhereInTheHubsDatabase() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1", store: "S-1")
        let lyon = try await hub.register("T-2", store: "S-2")
        let broken = try await hub.register("T-3", store: "S-3")
        var first = EntryFactory(terminal: "T-1")
        var second = EntryFactory(terminal: "T-2")
        let card = CardNumber(rawValue: "49927398716")!
        let erased: CustomerID = first.identifier()
        let other: CustomerID = second.identifier()
        let euro = Money(amount: 1000, currency: Currency(rawValue: "EUR")!)
        try await hub.push([
            (PushRequest(terminal: first.terminal, backlog: 0, entries: [
                first.sale(customer: erased, card: card, enrolled: true),
                first.profile(customer: erased, set: .name, to: "Hanna Schmidt"),
                // More points than the policy gives: quarantined, naming the customer.
                first.entry(.sale(SaleEvent(customer: erased, card: card, enrolled: false, lines: [SaleLine(sku: "X", quantity: 1, unitPrice: euro)], total: euro, receipt: nil, pointsEarned: 999, pointsRedeemed: 0))),
            ]), paris),
            (PushRequest(terminal: second.terminal, backlog: 0, entries: [
                second.sale(customer: other),
                // Concurrent with Paris's edit: a conflict record on the name.
                second.profile(customer: erased, set: .name, to: "Hannah Schmitt"),
                // A known customer claiming the card: a card conflict.
                second.sale(customer: other, card: card, enrolled: true),
            ]), lyon),
        ])
        // An entry the hub cannot read, carrying the card.
        let unreadable = #"{"terminal":"T-3","backlog":0,"entries":[{"id":"E-1","terminal":"T-3","seq":1,"recordedAt":"2026-11-01T10:00:00.000Z","hlc":"1793527200000:0:T-3","kind":"sale","data":{"customer":"\#(erased)","card":"\#(card.rawValue)","enrolled":false,"bogus":1}}]}"#
        let (status, _) = try await hub.test { client in
            _ = try await client.send(.post, "/v1/customers/lookup", token: lyon, body: Data(#"{"card":"\#(card.rawValue)"}"#.utf8))
            return try await client.send(.post, "/v1/push", token: broken, body: Data(unreadable.utf8))
        }
        #expect(status == .ok)
        #expect(try await hub.store.quarantined().count == 2)
        #expect(try await hub.store.conflicts(customer: nil, limit: 10).contains { $0.conflict.field == "card" })

        _ = try await hub.store.eraseCustomer(erased, at: Date())

        let database = try DatabaseQueue(path: hub.directory.appending("hub.sqlite"))
        defer { try? database.close() }
        let (bodies, conflicts, lookups, reasons) = try database.read { db in
            (
                // Every entry but the other customer's own: a customer who claimed the
                // card keeps it on their entries (the hub cannot tell whose it really is).
                try Data.fetchAll(db, sql: "SELECT body FROM entries WHERE customer IS NULL OR customer != ?", arguments: [other.rawValue])
                    .map { String(decoding: $0, as: UTF8.self) },
                try Row.fetchAll(db, sql: "SELECT customer, lost_value, won_value FROM conflicts"),
                try Row.fetchAll(db, sql: "SELECT customer, card_last4 FROM card_lookups"),
                try String.fetchAll(db, sql: "SELECT reason FROM quarantine ORDER BY terminal")
            )
        }
        for personal in [card.rawValue, "Hanna Schmidt", "Hannah Schmitt"] {
            #expect(!bodies.contains { $0.contains(personal) }, "an entry still holds \(personal)")
        }
        #expect(conflicts.allSatisfy { ($0["customer"] as String) != erased.rawValue && ($0["lost_value"] as String?) != card.rawValue && ($0["won_value"] as String?) != erased.rawValue })
        #expect(lookups.allSatisfy { ($0["customer"] as String?) == nil && ($0["card_last4"] as String) == "****" })
        #expect(reasons.last?.hasPrefix("redacted") == true, "\(reasons)")
        #expect(try await hub.store.status().erasurePurgePending == false)
        let wal = FileManager.default.contents(atPath: hub.directory.appending("hub.sqlite-wal")) ?? Data()
        #expect(wal.isEmpty, "the write-ahead log was emptied")
    }

    @Test func aCheckpointBlockedByAReaderIsReportedAndRetriedOnTheNextWrite() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.profile(customer: customer, set: .name, to: "Ann")]), token)])

        // A reader (a backup, a support engineer's sqlite3) holding a snapshot.
        let reader = try DatabaseQueue(path: hub.directory.appending("hub.sqlite"))
        let (reading, release, finished) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        Thread {
            try? reader.read { db in
                _ = try Row.fetchAll(db, sql: "SELECT * FROM customers")
                reading.signal()
                release.wait()
            }
            finished.signal()
        }.start()
        reading.wait()
        _ = try await hub.store.eraseCustomer(customer, at: Date())
        #expect(try await hub.store.status().erasurePurgePending == true, "reported, not assumed done")

        release.signal()
        finished.wait()
        try reader.close()
        try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.sale(customer: factory.identifier())]), token)])
        #expect(try await hub.store.status().erasurePurgePending == false, "the next write completed it")
    }
}
