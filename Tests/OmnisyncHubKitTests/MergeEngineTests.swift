import Foundation
import HTTPTypes
import HummingbirdTesting
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The merge engine at the hub: conflicts, overdrafts, erasure, identity
/// merges and clock clamping, through the real router and store.
@Suite struct MergeEngineTests {
    func pull(_ client: some TestClientProtocol, token: String) async throws -> PullResponse {
        try WireCoding.decode(PullResponse.self, from: try await client.send(.get, "/v1/pull", token: token).1)
    }

    @Test(arguments: StoreBackend.available) func twoTerminalsRedeemingTheSamePointsOfflineAreBothRecordedAndFlagged(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        try await hub.store.setPolicy(LoyaltyPolicy(offlineRedemptionAllowance: 100), for: StoreID(rawValue: "S-1")!)
        let paris = try await hub.register("T-1", store: "S-1")
        let lyon = try await hub.register("T-2", store: "S-1")
        var first = EntryFactory(terminal: "T-1")
        var second = EntryFactory(terminal: "T-2")
        let customer: CustomerID = first.identifier()
        // 100 points earned, synced everywhere; then both stores, offline, spend them.
        let earning = PushRequest(terminal: first.terminal, backlog: 0, entries: [first.sale(customer: customer, cents: 10_000)])
        let spendParis = PushRequest(terminal: first.terminal, backlog: 0, entries: [first.sale(customer: customer, cents: 100, redeemed: 100)])
        let spendLyon = PushRequest(terminal: second.terminal, backlog: 0, entries: [second.sale(customer: customer, cents: 100, redeemed: 100)])
        let (atParis, atLyon) = try await hub.test { client in
            _ = try await client.push(earning, token: paris)
            _ = try await client.push(spendParis, token: paris)
            _ = try await client.push(spendLyon, token: lyon)
            return (try await pull(client, token: paris), try await pull(client, token: lyon))
        }
        let hubState = try #require(try await hub.store.customer(id: customer)?.state)
        #expect(hubState.pointsRedeemed == 200)
        #expect(hubState.pointsBalance == -98)
        #expect(atParis.profiles.first?.pointsBalance == -98)
        #expect(atLyon.profiles.first?.pointsBalance == -98)
        let flagged = try await hub.store.overdrafts(includeApproved: false)
        #expect(flagged.count == 1)
        #expect(flagged.first?.terminal.rawValue == "T-2")
        #expect(flagged.first?.balance == -98)
        #expect(flagged.first?.withinAllowance == true)
        #expect(try await hub.store.status().overdraftsPendingReview == 1)
        let logged = try await hub.store.conflicts(customer: customer, limit: 10)
        #expect(logged.map(\.conflict.field) == ["points"])
        #expect(logged.first?.conflict.won.value == "balance -98")
        let approved = try await hub.store.approveOverdraft(try #require(flagged.first?.id), note: "loyal customer", at: Date())
        #expect(approved.approvedAt != nil)
        #expect(try await hub.store.overdrafts(includeApproved: false).isEmpty)
    }

    @Test(arguments: StoreBackend.available) func concurrentEditsLogTheOverwrittenValueAndDeliberateOnesDoNot(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1")
        let lyon = try await hub.register("T-2")
        var first = EntryFactory(terminal: "T-1")
        var second = EntryFactory(terminal: "T-2")
        let customer: CustomerID = first.identifier()
        let original = first.profile(customer: customer, set: .email, to: "ann@example.com")
        // Neither store saw the other's edit of the original.
        let parisEdit = first.profile(customer: customer, set: .email, to: "ann@paris.example", observed: original.hlc)
        second.observe(original.hlc)
        let lyonEdit = second.profile(customer: customer, set: .email, to: "ann@lyon.example", observed: original.hlc)
        try await hub.push([
            (PushRequest(terminal: first.terminal, backlog: 0, entries: [original, parisEdit]), paris),
            (PushRequest(terminal: second.terminal, backlog: 0, entries: [lyonEdit]), lyon),
        ])
        let conflicts = try await hub.store.conflicts(customer: customer, limit: 10)
        #expect(conflicts.count == 1)
        let winner = max(parisEdit.hlc, lyonEdit.hlc)
        let loser = winner == parisEdit.hlc ? "ann@lyon.example" : "ann@paris.example"
        #expect(conflicts.first?.conflict.lost.value == loser)
        #expect(try await hub.store.customer(id: customer)?.state.fields[.email]?.stamp == winner)
        #expect(try await hub.store.status().conflicts == 1)
    }

    @Test func erasureRemovesPersonalDataFromTheHubAndAbsorbsAStaleEdit() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1")
        let lyon = try await hub.register("T-2")
        var first = EntryFactory(terminal: "T-1")
        var second = EntryFactory(terminal: "T-2")
        let customer: CustomerID = first.identifier()
        let card = CardNumber(rawValue: "99887766")!
        let named = first.profile(customer: customer, set: .name, to: "Secret Name")
        let concurrentEdit = second.profile(customer: customer, set: .name, to: "Other Secret")
        let stale = second.profile(customer: customer, set: .email, to: "stale@example.com")
        let purchase = first.sale(customer: customer, card: card)
        try await hub.push([
            (PushRequest(terminal: first.terminal, backlog: 0, entries: [named, purchase]), paris),
            (PushRequest(terminal: second.terminal, backlog: 0, entries: [concurrentEdit]), lyon),
        ])
        #expect(try await hub.store.conflicts(customer: customer, limit: 10).count == 1)
        _ = try await hub.store.eraseCustomer(customer, at: Date())
        // A terminal that had not heard of the erasure edits the customer again.
        try await hub.push([(PushRequest(terminal: second.terminal, backlog: 0, entries: [stale]), lyon)])
        let record = try #require(try await hub.store.customer(id: customer))
        #expect(record.state.isErased)
        #expect(record.state.value(of: .email) == nil)
        #expect(record.activity.orders == 0)
        #expect(try await hub.store.customer(card: card) == nil)
        #expect(try await hub.store.conflicts(customer: customer, limit: 10).isEmpty)
        let database = try Data(contentsOf: URL(fileURLWithPath: hub.directory.appending("hub.sqlite")))
            + ((try? Data(contentsOf: URL(fileURLWithPath: hub.directory.appending("hub.sqlite-wal")))) ?? Data())
        let remaining = ["Secret Name", "Other Secret", "stale@example.com", card.rawValue].filter { database.range(of: Data($0.utf8)) != nil }
        #expect(remaining.isEmpty, "still in the hub's database files: \(remaining)")
    }

    @Test(arguments: StoreBackend.available) func anIdentityMergeAnswersForBothIdsAndAddsTheirPoints(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let kept: CustomerID = factory.identifier()
        let duplicate: CustomerID = factory.identifier()
        let before = PushRequest(terminal: factory.terminal, backlog: 0, entries: [
            factory.sale(customer: kept, cents: 3000), factory.sale(customer: duplicate, cents: 2000),
            factory.profile(customer: duplicate, set: .name, to: "Ann"),
        ])
        try await hub.push([(before, token)])
        let merged = try await hub.store.mergeCustomers(survivor: kept, absorbed: duplicate, at: Date())
        #expect(merged.state.pointsBalance == 50)
        #expect(merged.state.mergedFrom == [duplicate])
        #expect(merged.activity.orders == 2)
        // A terminal still using the old id: its entry lands on the merged customer.
        let late = PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.sale(customer: duplicate, cents: 1000)])
        let pulled = try await hub.test { client in
            _ = try await client.push(late, token: token)
            return try await pull(client, token: token)
        }
        #expect(try await hub.store.customer(id: duplicate)?.state.id == kept)
        #expect(try await hub.store.customer(id: kept)?.state.pointsBalance == 60)
        #expect(pulled.profiles.map(\.id) == [kept])
        #expect(pulled.profiles.first?.value(of: .name) == "Ann")
    }

    @Test(arguments: StoreBackend.available) func enrollingACardAnotherCustomerHoldsMergesTheNewCustomerIntoTheHolder(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1")
        let lyon = try await hub.register("T-2")
        var first = EntryFactory(terminal: "T-1")
        var second = EntryFactory(terminal: "T-2")
        let card = CardNumber(rawValue: "44445555")!
        let holder: CustomerID = first.identifier()
        let minted: CustomerID = second.identifier()
        let enrolment = PushRequest(terminal: first.terminal, backlog: 0, entries: [first.sale(customer: holder, card: card, enrolled: true, cents: 1000)])
        // Lyon, offline, did not know the card and minted a customer for it.
        let duplicate = PushRequest(terminal: second.terminal, backlog: 0, entries: [
            second.sale(customer: minted, card: card, enrolled: true, cents: 500), second.sale(customer: minted, card: card, cents: 500),
        ])
        try await hub.push([(enrolment, paris), (duplicate, lyon)])
        let record = try #require(try await hub.store.customer(card: card))
        #expect(record.state.id == holder)
        #expect(record.state.mergedFrom == [minted])
        #expect(record.state.pointsBalance == 20)
        #expect(record.activity.orders == 3)
        #expect(try await hub.store.customer(id: minted)?.state.id == holder)
    }

    @Test(arguments: StoreBackend.available) func aCustomerTheHubKnowsIsNeverMergedBecauseAnEntrySaysSo(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-PARIS", store: "S-PARIS")
        let thief = try await hub.register("T-STOLEN", store: "S-LYON")
        var first = EntryFactory(terminal: "T-PARIS")
        var stolen = EntryFactory(terminal: "T-STOLEN")
        let card = CardNumber(rawValue: "44445555")!
        let holder: CustomerID = first.identifier()
        let victim: CustomerID = stolen.identifier()
        try await hub.push([
            (PushRequest(terminal: first.terminal, backlog: 0, entries: [first.sale(customer: holder, card: card, enrolled: true, cents: 1000)]), paris),
            (PushRequest(terminal: stolen.terminal, backlog: 0, entries: [stolen.sale(customer: victim, cents: 3000)]), thief),
        ])
        // A tampered terminal claims to enrol the holder's card for a customer the hub already knows.
        try await hub.push([(PushRequest(terminal: stolen.terminal, backlog: 0, entries: [stolen.sale(customer: victim, card: card, enrolled: true, cents: 100)]), thief)])

        #expect(try await hub.store.customer(id: victim)?.state.id == victim, "the known customer stays themselves")
        #expect(try await hub.store.customer(id: holder)?.state.mergedFrom.isEmpty == true)
        #expect(try await hub.store.customer(card: card)?.state.id == holder, "the card still names its holder")
        let logged = try await hub.store.conflicts(customer: victim, limit: 10)
        #expect(logged.contains { $0.conflict.field == "card" }, "the claim is logged for an operator: \(logged)")
    }

    @Test(arguments: StoreBackend.available) func aTerminalWithAFarFutureClockCannotWinEveryLaterConflict(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let broken = try await hub.register("T-1")
        let honest = try await hub.register("T-2")
        var wrongYear = EntryFactory(terminal: "T-1")
        var correct = EntryFactory(terminal: "T-2")
        wrongYear.now = Date()
        correct.now = Date()
        let customer: CustomerID = wrongYear.identifier()
        let future = wrongYear.profile(customer: customer, set: .name, to: "From the future", clockOffset: 365 * 86400)
        try await hub.push([(PushRequest(terminal: wrongYear.terminal, backlog: 0, entries: [future]), broken)])
        let clamped = try #require(try await hub.store.customer(id: customer)?.state.fields[.name]?.stamp)
        #expect(clamped.wallMillis <= Date().millis)
        // An honest edit made afterwards (without having seen it) wins.
        correct.now = Date().addingTimeInterval(2)
        let later = correct.profile(customer: customer, set: .name, to: "Corrected")
        // And the broken terminal's own next edit, made after seeing its
        // first one, references the original stamp: the hub translates it.
        let followUp = wrongYear.profile(customer: customer, set: .email, to: "a@example.com", observed: future.hlc, clockOffset: 365 * 86400)
        try await hub.push([
            (PushRequest(terminal: correct.terminal, backlog: 0, entries: [later]), honest),
            (PushRequest(terminal: wrongYear.terminal, backlog: 0, entries: [followUp]), broken),
        ])
        let state = try #require(try await hub.store.customer(id: customer)?.state)
        #expect(state.value(of: .name) == "Corrected")
        #expect(state.value(of: .email) == "a@example.com")
        // The follow-up saw the clamped write: it is a deliberate edit, not a conflict.
        #expect(try await hub.store.conflicts(customer: customer, limit: 10).map(\.conflict.field) == ["name"])
    }

    @Test(arguments: StoreBackend.available) func eachStoreGetsItsOwnPolicyOnPull(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        try await hub.store.setPolicy(LoyaltyPolicy(pointsPerCurrencyUnit: 2), for: nil)
        try await hub.store.setPolicy(LoyaltyPolicy(pointsPerCurrencyUnit: 1, offlineRedemptionAllowance: 50, maxRedemptionStaleness: 3600), for: StoreID(rawValue: "S-2")!)
        let chain = try await hub.register("T-1", store: "S-1")
        let special = try await hub.register("T-2", store: "S-2")
        let (first, second) = try await hub.test { client in
            (try await pull(client, token: chain), try await pull(client, token: special))
        }
        #expect(first.policy == LoyaltyPolicy(pointsPerCurrencyUnit: 2))
        #expect(second.policy == LoyaltyPolicy(pointsPerCurrencyUnit: 1, offlineRedemptionAllowance: 50, maxRedemptionStaleness: 3600))
    }

    @Test(arguments: StoreBackend.available) func lookingUpACardBringsTheCustomerToTheStore(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1", store: "S-1")
        let lyon = try await hub.register("T-2", store: "S-2")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.sale(customer: customer, card: CardNumber(rawValue: "12341234")!)])
        let (found, missing, pulled) = try await hub.test { client in
            _ = try await client.push(batch, token: paris)
            return (
                try await client.send(.post, "/v1/customers/lookup", token: lyon, body: Data(#"{"card":"12341234"}"#.utf8)),
                try await client.send(.post, "/v1/customers/lookup", token: lyon, body: Data(#"{"card":"00000000"}"#.utf8)),
                try await pull(client, token: lyon)
            )
        }
        #expect(found.0 == .ok)
        #expect(try WireCoding.decode(ProfileState.self, from: found.1).id == customer)
        #expect(missing.0 == .notFound && missing.1.errorCode == "not_found")
        #expect(pulled.profiles.map(\.id) == [customer])
    }
}
