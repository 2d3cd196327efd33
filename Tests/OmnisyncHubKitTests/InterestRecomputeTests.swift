import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The recompute reads purchases through the catalogue: top categories in
/// the 360 view, interest tags on the profile that follow what the customer
/// buys, worked out again only for customers whose purchases (or their
/// meaning) changed.
@Suite struct InterestRecomputeTests {
    let euro = Currency(rawValue: "EUR")!
    let at = Date(millis: 1_796_000_000_000)!

    func order(_ id: String, email: String = "ada@example.com", _ lines: [(String, Int64)]) -> OnlineOrder {
        let saleLines = lines.map { SaleLine(sku: $0.0, quantity: $0.1, unitPrice: Money(amount: 1000, currency: euro)) }
        return OnlineOrder(
            orderID: id, channel: "web", at: at, customer: .init(email: email), lines: saleLines,
            total: Money(amount: 1000 * lines.map(\.1).reduce(0, +), currency: euro)
        )
    }

    func interests(_ hub: HubFixture, _ id: CustomerID) async throws -> Set<String> {
        let tags = try #require(try await hub.store.customer(id: id)).state.tags.elements.map(\.rawValue)
        return Set(tags.filter { $0.hasPrefix("interest-") })
    }

    func catalogue(_ hub: HubFixture, _ entries: [(String, String)]) async throws -> CatalogImportReport {
        try await hub.store.importProducts(entries.map { try Product(sku: $0.0, category: $0.1) })
    }

    @Test(arguments: StoreBackend.available) func interestsFollowPurchasesAndOnlyChangedCustomersAreRead(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let added = try await catalogue(hub, [("SHOE", "Footwear"), ("SOCK", "Footwear"), ("COAT", "Outerwear"), ("HAT", "Hats")])
        #expect(added == CatalogImportReport(products: 4, added: 4, changed: 0, unchanged: 0))
        let first = try await hub.store.recordOnlineOrders([
            order("W-1", [("SHOE", 2), ("COAT", 1)]),
            order("W-2", email: "bob@example.com", [("HAT", 1)]),
        ], at: at)
        let ada = try #require(first[0].customer)
        let bob = try #require(first[1].customer)

        let report = try await hub.store.recompute(at: at)
        #expect(report.changed == 2 && report.interestsRead == 2)
        // Footwear 2 of 3 items; outerwear 1 (fewer than two); Bob's one hat is no interest.
        #expect(try await interests(hub, ada) == ["interest-footwear"])
        #expect(try await interests(hub, bob) == [])
        let view = try await HubCustomerView.read(try #require(try await hub.store.customer(id: ada)), reveal: false, from: hub.store)
        #expect(view.topCategories == [CategoryCount(category: "Footwear", quantity: 2), CategoryCount(category: "Outerwear", quantity: 1)])
        // Nothing bought since: nothing read, nothing written.
        let idle = try await hub.store.recompute(at: at)
        #expect(idle.changed == 0 && idle.interestsRead == 0)

        // Three coats and a pair of socks later: outerwear 4 of 7, footwear 3 of 7.
        _ = try await hub.store.recordOnlineOrders([order("W-3", [("COAT", 3), ("SOCK", 1)])], at: at)
        let after = try await hub.store.recompute(at: at)
        #expect(after.interestsRead == 1)
        #expect(try await interests(hub, ada) == ["interest-footwear", "interest-outerwear"])

        // Coats become rainwear: the buyers' interests are read again, the hub's old tag goes.
        let moved = try await catalogue(hub, [("COAT", "Rainwear"), ("HAT", "Hats")])
        #expect(moved == CatalogImportReport(products: 2, added: 0, changed: 1, unchanged: 1))
        #expect(try await hub.store.recompute(at: at).interestsRead == 1)
        #expect(try await interests(hub, ada) == ["interest-footwear", "interest-rainwear"])
    }

    /// A few customers due among many are read one by one, many in one
    /// grouped pass: both give the same interests.
    @Test(arguments: StoreBackend.available) func aFewCustomersDueAreReadAloneWithTheSameAnswer(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        _ = try await catalogue(hub, [("SHOE", "Footwear"), ("COAT", "Outerwear")])
        let base = try await hub.store.recordOnlineOrders((0..<20).map { order("W-\($0)", email: "c\($0)@example.com", [("SHOE", 1)]) }, at: at)
        let first = try await hub.store.recompute(at: at)
        #expect(first.interestsRead == 20)
        // Two customers buy again: 2 of 20 are due, read alone.
        _ = try await hub.store.recordOnlineOrders([
            order("W-20", email: "c0@example.com", [("SHOE", 1)]),
            order("W-21", email: "c1@example.com", [("COAT", 3)]),
        ], at: at)
        #expect(try await hub.store.recompute(at: at).interestsRead == 2)
        #expect(try await interests(hub, try #require(base[0].customer)) == ["interest-footwear"])
        #expect(try await interests(hub, try #require(base[1].customer)) == ["interest-outerwear"])
        #expect(try await interests(hub, try #require(base[2].customer)) == [])
    }

    @Test(arguments: StoreBackend.available) func aCashiersInterestTagIsNeverTakenAway(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        _ = try await catalogue(hub, [("SHOE", "Footwear"), ("COAT", "Outerwear")])
        let ada = try #require(try await hub.store.recordOnlineOrders([order("W-1", [("SHOE", 2)])], at: at)[0].customer)
        _ = try await hub.store.recompute(at: at)
        #expect(try await interests(hub, ada) == ["interest-footwear"])

        // A cashier also notes an interest in footwear and one in outerwear, by hand.
        let token = try await hub.register("T-1")
        var till = EntryFactory(terminal: "T-1")
        till.now = at.addingTimeInterval(60)
        let note = till.entry(.profile(ProfileEvent(customer: ada, addTags: [OmnisyncCore.Tag(rawValue: "interest-footwear")!, OmnisyncCore.Tag(rawValue: "interest-outerwear")!])))
        _ = try await hub.push([(PushRequest(terminal: till.terminal, backlog: 0, entries: [note]), token)])

        // Now mostly coats: footwear drops below a quarter (2 of 10), outerwear is 8 of 10.
        _ = try await hub.store.recordOnlineOrders([order("W-2", [("COAT", 8)])], at: at)
        _ = try await hub.store.recompute(at: at.addingTimeInterval(120))
        // The hub withdrew its own footwear tag; the cashier's stays, and so does theirs for outerwear.
        #expect(try await interests(hub, ada) == ["interest-footwear", "interest-outerwear"])
        let footwear = try #require(try await hub.store.customer(id: ada)).state.tags.dots(of: OmnisyncCore.Tag(rawValue: "interest-footwear")!)
        #expect(footwear.map(\.replica) == [ReplicaID(rawValue: "T-1")!])
    }

    @Test(arguments: StoreBackend.available) func aMergeReadsTheSurvivorsInterestsAgain(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        _ = try await catalogue(hub, [("SHOE", "Footwear"), ("COAT", "Outerwear")])
        let outcomes = try await hub.store.recordOnlineOrders([
            order("W-1", [("SHOE", 1)]),
            order("W-2", email: "ada.lovelace@example.com", [("SHOE", 1)]),
        ], at: at)
        let (ada, other) = (try #require(outcomes[0].customer), try #require(outcomes[1].customer))
        _ = try await hub.store.recompute(at: at)
        #expect(try await interests(hub, ada) == [])
        // One shoe each; merged, two shoes: an interest, without any new order.
        _ = try await hub.store.mergeCustomers(survivor: ada, absorbed: other, at: at)
        _ = try await hub.store.recompute(at: at)
        #expect(try await interests(hub, ada) == ["interest-footwear"])
    }

    @Test(arguments: StoreBackend.available) func anotherRuleReadsEveryonesInterestsAgain(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        _ = try await catalogue(hub, [("SHOE", "Footwear")])
        let ada = try #require(try await hub.store.recordOnlineOrders([order("W-1", [("SHOE", 2)])], at: at)[0].customer)
        _ = try await hub.store.recompute(at: at)
        #expect(try await interests(hub, ada) == ["interest-footwear"])
        var rule = try await hub.store.crmSettings()
        rule.interestMinItems = 3
        try await hub.store.setCRMSettings(rule)
        _ = try await hub.store.recompute(at: at)
        #expect(try await interests(hub, ada) == [])
    }
}
