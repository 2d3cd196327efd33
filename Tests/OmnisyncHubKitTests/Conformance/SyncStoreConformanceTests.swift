import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Pushes, pulls, identity merges, erasure and card lookups behave the same
/// on every backend.
@Suite struct SyncStoreConformanceTests {
    let now = Date(millis: 1_796_000_000_000)!

    func contact(_ seconds: Double = 0) -> TerminalContact {
        TerminalContact(receivedAt: now.addingTimeInterval(seconds), sentAt: nil)
    }

    func register(_ store: any ConformanceFeatures, _ terminal: String, store storeID: String = "S-1") async throws -> TerminalRecord {
        try await store.addTerminal(TerminalID(rawValue: terminal)!, store: StoreID(rawValue: storeID)!, tokenHash: "hash-\(terminal)", at: now)
    }

    func push(_ store: any ConformanceFeatures, _ terminal: TerminalRecord, _ entries: [JournalEntry]) async throws -> PushResponse {
        try await store.push(IncomingPush(PushRequest(terminal: terminal.id, backlog: 0, entries: entries)), from: terminal, contact: contact())
    }

    /// Every profile the terminal's store receives, paging with `limit`.
    func pullAll(_ store: any ConformanceFeatures, _ terminal: TerminalRecord, after cursor: String? = nil, limit: Int) async throws -> ([ProfileState], String?) {
        var cursor = cursor
        var profiles: [ProfileState] = []
        while true {
            let page = try await store.pull(for: terminal, after: cursor, limit: limit, contact: contact())
            profiles += try page.profiles.map { try WireCoding.decode(ProfileState.self, from: $0) }
            cursor = page.cursor
            if !page.hasMore { return (profiles, cursor) }
        }
    }

    @Test(arguments: StoreBackend.available)
    func entriesAreStoredOnceAndAGapIsAnsweredWithTheNextExpected(_ backend: StoreBackend) async throws {
        let opened = try await backend.open("push")
        defer { opened.remove() }
        let store = opened.store
        let t1 = try await register(store, "T-1")
        var till = EntryFactory(terminal: "T-1")
        let ada: CustomerID = till.identifier()
        let entries = [till.sale(customer: ada), till.sale(customer: ada), till.profile(customer: ada, set: .name, to: "Ada")]
        let first = try await push(store, t1, entries)
        #expect(first.acknowledgedSeq == 3 && first.stored == 3 && first.duplicates == 0)
        // The answer was lost: the resend is a no-op.
        let again = try await push(store, t1, entries)
        #expect(again.acknowledgedSeq == 3 && again.stored == 0 && again.duplicates == 3)
        let record = try #require(try await store.customer(id: ada))
        #expect(record.activity.orders == 2)
        #expect(record.state.fields[.name]?.value == "Ada")
        #expect(record.state.pointsBalance == 2 * LoyaltyPolicy.default.pointsEarned(by: Money(amount: 1299, currency: Currency(rawValue: "EUR")!)))
        // Entry 5 without 4: nothing stored, the hub still expects 4.
        _ = till.sale(customer: ada)
        let gap = try await push(store, t1, [till.sale(customer: ada)])
        #expect(gap.acknowledgedSeq == 3 && gap.stored == 0)
        #expect(try await store.terminals().first?.acknowledgedSeq == 3)
    }

    @Test(arguments: StoreBackend.available)
    func pullsPageThroughTheStoresCustomersAndResumeFromTheCursor(_ backend: StoreBackend) async throws {
        let opened = try await backend.open("pull")
        defer { opened.remove() }
        let store = opened.store
        let t1 = try await register(store, "T-1")
        let t2 = try await register(store, "T-2")
        let elsewhere = try await register(store, "T-9", store: "S-9")
        var till = EntryFactory(terminal: "T-1")
        let customers: [CustomerID] = (0..<5).map { _ in till.identifier() }
        _ = try await push(store, t1, customers.map { till.sale(customer: $0) })

        let (profiles, cursor) = try await pullAll(store, t2, limit: 2)
        #expect(Set(profiles.map(\.id)) == Set(customers))
        // Another store's terminal receives none of them.
        #expect(try await pullAll(store, elsewhere, limit: 10).0.isEmpty)
        // Nothing new: nothing, and the cursor stays.
        let idle = try await store.pull(for: t2, after: cursor, limit: 10, contact: contact())
        #expect(idle.profiles.isEmpty && !idle.hasMore && idle.cursor == cursor)
        // One customer changes: the next pull brings that one only.
        _ = try await push(store, t1, [till.profile(customer: customers[2], set: .name, to: "Grace")])
        let (changed, _) = try await pullAll(store, t2, after: cursor, limit: 10)
        #expect(changed.map(\.id) == [customers[2]] && changed.first?.fields[.name]?.value == "Grace")
        // A cursor the hub never issued is refused with a clear error.
        let refused = await #expect(throws: HubError.self) { _ = try await store.pull(for: t2, after: "x:y:z", limit: 10, contact: contact()) }
        #expect(refused?.code == .malformedRequest)
    }

    @Test(arguments: StoreBackend.available)
    func oneCardEnrolledTwiceOfflineBecomesOneCustomer(_ backend: StoreBackend) async throws {
        let opened = try await backend.open("enrol")
        defer { opened.remove() }
        let store = opened.store
        let t1 = try await register(store, "T-1")
        let t2 = try await register(store, "T-2", store: "S-2")
        let card = CardNumber(rawValue: "55550001")!
        var first = EntryFactory(terminal: "T-1")
        var second = EntryFactory(terminal: "T-2")
        let a: CustomerID = first.identifier()
        let b: CustomerID = second.identifier()
        _ = try await push(store, t1, [first.sale(customer: a, card: card, enrolled: true), first.profile(customer: a, set: .name, to: "Ada")])
        _ = try await push(store, t2, [second.sale(customer: b, card: card, enrolled: true), second.profile(customer: b, set: .email, to: "ada@example.com")])
        let holder = try #require(try await store.customer(card: card))
        #expect(holder.state.id == a)
        #expect(holder.state.fields[.name]?.value == "Ada" && holder.state.fields[.email]?.value == "ada@example.com")
        #expect(holder.activity.orders == 2)
        // The second id answers for the first.
        #expect(try await store.customer(id: b)?.state.id == a)
        #expect(try await store.customers(holding: .email, "ada@example.com").map(\.state.id) == [a])
        // Both stores receive the merged customer.
        #expect(try await pullAll(store, t2, limit: 10).0.map(\.id).contains(a))
    }

    @Test(arguments: StoreBackend.available)
    func operatorMergeAndErasure(_ backend: StoreBackend) async throws {
        let opened = try await backend.open("erase")
        defer { opened.remove() }
        let store = opened.store
        let t1 = try await register(store, "T-1")
        var till = EntryFactory(terminal: "T-1")
        let a: CustomerID = till.identifier()
        let b: CustomerID = till.identifier()
        _ = try await push(store, t1, [
            till.sale(customer: a), till.profile(customer: a, set: .email, to: "ada@example.com"),
            till.sale(customer: b), till.profile(customer: b, set: .phone, to: "+33612345678"),
        ])
        let merged = try await store.mergeCustomers(survivor: a, absorbed: b, at: now)
        #expect(merged.activity.orders == 2 && merged.state.mergedFrom.contains(b))
        let twice = await #expect(throws: HubError.self) { _ = try await store.mergeCustomers(survivor: a, absorbed: b, at: now) }
        #expect(twice?.code == .malformedRequest)
        #expect(try await store.topProducts(of: b, limit: 5) == [ProductCount(sku: "SKU-1", quantity: 2)])

        let (before, cursor) = try await pullAll(store, t1, limit: 10)
        #expect(before.contains { $0.id == a })
        let erased = try await store.eraseCustomer(b, at: now)
        #expect(erased.state.isErased && erased.state.id == a)
        #expect(try await store.customer(id: a)?.state.fields[.email] == nil)
        #expect(try await store.customers(holding: .email, "ada@example.com").isEmpty)
        // The erasure reaches the tills with their next pull.
        let (after, _) = try await pullAll(store, t1, after: cursor, limit: 10)
        #expect(after.map(\.id) == [a] && after[0].isErased)
    }

    @Test(arguments: StoreBackend.available)
    func cardLookupsAreAuditedAndLimited(_ backend: StoreBackend) async throws {
        let opened = try await backend.open("lookup")
        defer { opened.remove() }
        let store = opened.store
        var settings = try await store.settings()
        settings.cardLookupsPerMinute = 2
        try await store.setSettings(settings)
        let t1 = try await register(store, "T-1")
        let t2 = try await register(store, "T-2", store: "S-2")
        var till = EntryFactory(terminal: "T-1")
        let a: CustomerID = till.identifier()
        let card = CardNumber(rawValue: "55550002")!
        _ = try await push(store, t1, [till.sale(customer: a, card: card, enrolled: true)])

        #expect(try await store.lookUp(card: card, for: t2, contact: contact())?.id == a)
        #expect(try await store.lookUp(card: CardNumber(rawValue: "99999999")!, for: t2, contact: contact()) == nil)
        let limited = await #expect(throws: HubError.self) { _ = try await store.lookUp(card: card, for: t2, contact: contact()) }
        #expect(limited?.code == .tooManyRequests)
        #expect(try await store.cardLookups(terminal: t2.id, limit: 10).map(\.outcome) == [.refused, .unknown, .found])
        // The found customer now comes with the second store's pulls.
        #expect(try await pullAll(store, t2, limit: 10).0.map(\.id) == [a])
    }
}
