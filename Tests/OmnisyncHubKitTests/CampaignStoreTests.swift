import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Campaigns at the hub, on both backends: members drawn once each as they
/// enter the audience, treated ones given the offer in their profile, the
/// holdout given nothing, a stop ending the offers, redemptions counted.
@Suite struct CampaignStoreTests {
    static let running = Tag(rawValue: "running")!

    /// Pushes `count` customers of store S-1 (every other one tagged "running") and returns their ids by tag.
    static func pushCustomers(_ hub: HubFixture, token: String, factory: inout EntryFactory, count: Int) async throws -> (tagged: [CustomerID], others: [CustomerID]) {
        var tagged: [CustomerID] = []
        var others: [CustomerID] = []
        var entries: [JournalEntry] = []
        for index in 0..<count {
            let customer: CustomerID = factory.identifier()
            if index.isMultiple(of: 2) {
                tagged.append(customer)
                entries.append(factory.entry(.profile(ProfileEvent(customer: customer, addTags: [Self.running]))))
            } else {
                others.append(customer)
                entries.append(factory.sale(customer: customer))
            }
        }
        for start in stride(from: 0, to: entries.count, by: 200) {
            let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: Array(entries[start..<min(start + 200, entries.count)]))
            _ = try await hub.push([(batch, token)])
        }
        return (tagged, others)
    }

    @Test(arguments: StoreBackend.available) func membersAreDrawnOnceAsTheyEnterTheAudienceAndTreatedOnesGetTheOffer(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1", store: "S-1")
        var factory = EntryFactory(terminal: "T-1")
        let first = try await Self.pushCustomers(hub, token: token, factory: &factory, count: 200)

        // Whole milliseconds, as the hub stores times.
        let now = Date(millis: Date().millis)!
        let definition = CampaignDefinition(
            name: "Runners", audience: Audience(tags: [Self.running], stores: [StoreID(rawValue: "S-1")!]), offer: Offer(discount: .percent(basisPoints: 2000)),
            validUntil: now.addingTimeInterval(86_400), holdoutBasisPoints: 3000
        )
        let created = try await hub.store.createCampaign(definition, at: now)
        let id = created.campaign.id
        #expect(created.treated + created.holdout == 100, "every tagged customer of the store, no one else")
        let expectedHoldout = first.tagged.filter { HoldoutDraw.isHeldOut(campaign: id, customer: $0, share: 0.3) }
        #expect(created.holdout == expectedHoldout.count && created.status == "running")
        for customer in first.tagged {
            let state = try #require(try await hub.store.customer(id: customer)).state
            let held = expectedHoldout.contains(customer)
            #expect((state.offers[id]?.value != nil) == !held, "treated members hold the offer, the holdout nothing")
            if !held { #expect(state.activeOffers(at: now).map(\.description) == ["20 % off"], "\(String(describing: state.offers[id]))") }
        }
        for customer in first.others.prefix(10) {
            #expect(try await hub.store.customer(id: customer)?.state.offers.isEmpty == true)
        }

        // A second pass with nothing new draws no one; new tagged customers join, drawn by the same rule.
        #expect(try await hub.store.assignCampaignMembers(at: now) == 0)
        let second = try await Self.pushCustomers(hub, token: token, factory: &factory, count: 60)
        #expect(try await hub.store.assignCampaignMembers(at: now) == 30)
        let summary = try #require(try await hub.store.campaign(id))
        let allHeld = (first.tagged + second.tagged).filter { HoldoutDraw.isHeldOut(campaign: id, customer: $0, share: 0.3) }
        #expect(summary.treated + summary.holdout == 130 && summary.holdout == allHeld.count)

        // A sale using the offer counts as a redemption.
        let treatedOne = try #require((first.tagged + second.tagged).first { !allHeld.contains($0) })
        let euro = Money(amount: 1000, currency: Currency(rawValue: "EUR")!)
        let sale = factory.entry(.sale(SaleEvent(
            customer: treatedOne, card: nil, enrolled: false, lines: [SaleLine(sku: "S", quantity: 1, unitPrice: euro)], total: euro,
            receipt: nil, pointsEarned: 10, pointsRedeemed: 0, offer: id
        )))
        _ = try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: [sale]), token)])
        #expect(try await hub.store.campaign(id)?.redemptions == 1)
        #expect(try await hub.store.customer(id: treatedOne)?.state.uses(of: id) == 1)

        // Stopped: the treated members' offers end at the stop, and no one joins any more.
        let stopAt = now.addingTimeInterval(60)
        let stopped = try await hub.store.stopCampaign(id, at: stopAt)
        #expect(stopped.status == "stopped" && stopped.campaign.stoppedAt == stopAt)
        let other = try #require(first.tagged.first { !allHeld.contains($0) && $0 != treatedOne })
        let grant = try #require(try await hub.store.customer(id: other)?.state.offers[id]?.value)
        #expect(grant.validUntil == stopAt)
        _ = try await Self.pushCustomers(hub, token: token, factory: &factory, count: 10)
        #expect(try await hub.store.assignCampaignMembers(at: stopAt) == 0)
        #expect(try await hub.store.campaigns().map(\.campaign.id) == [id])
        await #expect(throws: HubError.self) { _ = try await hub.store.stopCampaign(CampaignID(rawValue: "nope")!, at: stopAt) }
    }

    @Test(arguments: StoreBackend.available) func aPassInSmallChunksDrawsTheSameMembersOnceEach(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1", store: "S-1")
        var factory = EntryFactory(terminal: "T-1")
        let now = Date(millis: Date().millis)!
        let definition = CampaignDefinition(
            name: "Runners", audience: Audience(tags: [Self.running]), offer: Offer(discount: .percent(basisPoints: 1000)),
            validUntil: now.addingTimeInterval(86_400), holdoutBasisPoints: 2500
        )
        // Created before anyone is in the audience: the whole audience joins through the chunked pass.
        let id = try await hub.store.createCampaign(definition, at: now).campaign.id
        let customers = try await Self.pushCustomers(hub, token: token, factory: &factory, count: 240)
        #expect(try await hub.store.assignCampaignMembers(at: now, chunk: 7) == 120)
        #expect(try await hub.store.assignCampaignMembers(at: now, chunk: 7) == 0, "the cursor moved past every chunk")
        let summary = try #require(try await hub.store.campaign(id))
        let held = customers.tagged.filter { HoldoutDraw.isHeldOut(campaign: id, customer: $0, share: 0.25) }
        #expect(summary.treated == 120 - held.count && summary.holdout == held.count)
        for customer in customers.tagged {
            let offer = try await hub.store.customer(id: customer)?.state.offers[id]?.value
            #expect((offer != nil) == !held.contains(customer))
        }
    }

    @Test(arguments: StoreBackend.available) func theReportComparesTheGroupsOverTheWindowWithWhatTheOffersCost(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1", store: "S-1")
        var factory = EntryFactory(terminal: "T-1")
        let customers = try await Self.pushCustomers(hub, token: token, factory: &factory, count: 100).tagged
        let now = Date(millis: Date().millis)!
        let definition = CampaignDefinition(
            name: "Runners", audience: Audience(tags: [Self.running]), offer: Offer(discount: .percent(basisPoints: 2000)),
            validUntil: now.addingTimeInterval(86_400), holdoutBasisPoints: 5000
        )
        let id = try await hub.store.createCampaign(definition, at: now).campaign.id
        let held = Set(customers.filter { HoldoutDraw.isHeldOut(campaign: id, customer: $0, share: 0.5) })
        let treated = customers.filter { !held.contains($0) }
        try #require(!held.isEmpty && !treated.isEmpty)

        // In the window, every treated customer buys once (10.00 EUR), the first three with the offer (8.00 after 20 % off);
        // one held-out customer buys 5.00. A purchase before the window does not count.
        factory.now = now.addingTimeInterval(60)
        let euro = Currency(rawValue: "EUR")!
        var sales: [JournalEntry] = []
        for (index, customer) in treated.enumerated() {
            let amount: Int64 = index < 3 ? 800 : 1000
            let money = Money(amount: amount, currency: euro)
            sales.append(factory.entry(.sale(SaleEvent(
                customer: customer, card: nil, enrolled: false, lines: [SaleLine(sku: "SHOE", quantity: 1, unitPrice: money)], total: money, receipt: nil,
                pointsEarned: 0, pointsRedeemed: 0, offer: index < 3 ? id : nil
            ))))
        }
        let buyer = try #require(held.first)
        let five = Money(amount: 500, currency: euro)
        sales.append(factory.entry(.sale(SaleEvent(
            customer: buyer, card: nil, enrolled: false, lines: [SaleLine(sku: "SOCK", quantity: 1, unitPrice: five)], total: five, receipt: nil,
            pointsEarned: 0, pointsRedeemed: 0
        ))))
        _ = try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: sales), token)])

        let report = try #require(try await hub.store.campaignReport(id))
        let overall = report.overall
        #expect(report.currency == euro)
        #expect(overall.treated.customers == treated.count && overall.holdout.customers == held.count)
        #expect(overall.treated.converted == treated.count && overall.holdout.converted == 1)
        let treatedSpend = Double(treated.count * 1000 - 3 * 200) / Double(treated.count)
        #expect(abs(overall.treated.spendPerCustomer - treatedSpend) < 1e-9)
        #expect(abs(overall.holdout.spendPerCustomer - 500 / Double(held.count)) < 1e-9)
        #expect(overall.treated.redemptions == 3 && overall.holdout.redemptions == 0)
        let conversion = try #require(overall.conversionUplift)
        #expect(abs(conversion.absolute.estimate - (1 - 1 / Double(held.count))) < 1e-9)
        #expect(conversion.absolute.low > 0, "everybody treated bought, one held-out customer did")
        let spend = try #require(overall.spendUplift)
        #expect(abs(spend.absolute.estimate - (treatedSpend - 500 / Double(held.count))) < 1e-9)
        #expect(report.cost == Money(amount: 3 * 200, currency: euro), "20 % off: 2.00 on each 8.00 paid")
        #expect(report.incrementalRevenue == Money(amount: Int64((spend.absolute.estimate * Double(treated.count)).rounded()), currency: euro))
        #expect(report.byStore.keys.sorted() == ["S-1"] && report.byChannel.keys.sorted() == ["store"])
        #expect(report.byStore["S-1"]?.treated.customers == treated.count, "every member counts in every scope")
        #expect(try await hub.store.campaignReport(CampaignID(rawValue: "nope")!) == nil)
    }

    @Test(arguments: StoreBackend.available) func onlineOrdersRedeemOffersAndAUseBeyondTheGrantIsFlaggedOnce(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let now = Date(millis: Date().millis)!
        let euro = Currency(rawValue: "EUR")!
        func order(_ id: String, email: String, offer: CampaignID?) -> OnlineOrder {
            let money = Money(amount: 800, currency: euro)
            return OnlineOrder(
                orderID: id, channel: "web", at: now.addingTimeInterval(60), customer: .init(email: email),
                lines: [SaleLine(sku: "SHOE", quantity: 1, unitPrice: money)], total: money, offer: offer
            )
        }
        // Two web customers, then a single-use offer for everybody, nobody held out.
        let known = try await hub.store.recordOnlineOrders([order("W-0", email: "ada@example.com", offer: nil)], at: now)
        let ada = try #require(known.first?.customer)
        let definition = CampaignDefinition(
            name: "Web welcome", offer: Offer(discount: .percent(basisPoints: 2000)), validUntil: now.addingTimeInterval(86_400), holdoutBasisPoints: 0
        )
        let id = try await hub.store.createCampaign(definition, at: now).campaign.id
        #expect(try await hub.store.customer(id: ada)?.state.offers[id]?.value?.uses == 1)

        // The first use is the grant's; the second is kept and flagged, and its resend flags nothing more.
        let first = try await hub.store.recordOnlineOrders([order("W-1", email: "ada@example.com", offer: id)], at: now)
        #expect(first.map(\.status) == [.applied] && first.first?.offerFlagged == nil)
        #expect(try await hub.store.customer(id: ada)?.state.uses(of: id) == 1)
        let second = try await hub.store.recordOnlineOrders([order("W-2", email: "ada@example.com", offer: id)], at: now)
        #expect(second.map(\.status) == [.applied] && second.first?.offerFlagged == true)
        let resent = try await hub.store.recordOnlineOrders([order("W-2", email: "ada@example.com", offer: id)], at: now)
        #expect(resent.map(\.status) == [.duplicate] && resent.first?.offerFlagged == nil)
        // A customer the campaign never reached (new since its pass) holds no grant: flagged with nothing allowed.
        let stranger = try await hub.store.recordOnlineOrders([order("W-3", email: "bob@example.com", offer: id)], at: now)
        #expect(stranger.first?.offerFlagged == true)

        let flagged = try await hub.store.offerOveruses(includeApproved: false)
        #expect(flagged.map(\.orderID) == ["W-2", "W-3"])
        #expect(flagged.allSatisfy { $0.channel == "web" && $0.terminal == nil && $0.store == nil && $0.seq == nil && $0.campaign == id })
        #expect(flagged.map(\.uses) == [2, 1] && flagged.map(\.allowed) == [1, nil])
        #expect(flagged.first?.customer == ada && flagged.first?.sale == "web order W-2")
        let approved = try await hub.store.approveOfferOveruse(try #require(flagged.first?.id), note: "goodwill", at: now)
        #expect(approved.orderID == "W-2" && approved.note == "goodwill")
        #expect(try await hub.store.offerOveruses(includeApproved: false).map(\.orderID) == ["W-3"])


        // The report counts the members' web redemptions under the web channel (Bob is no member).
        let report = try #require(try await hub.store.campaignReport(id))
        #expect(report.overall.treated.redemptions == 2)
        #expect(report.byChannel["web"]?.treated.redemptions == 2)

        // A grant's holder ordering after the offer ended: a till would refuse it; the order is kept and flagged as such.
        var late = order("W-4", email: "cy@example.com", offer: id)
        late.at = now.addingTimeInterval(2 * 86_400)
        let cy = try #require(try await hub.store.recordOnlineOrders([order("W-5", email: "cy@example.com", offer: nil)], at: now).first?.customer)
        #expect(try await hub.store.assignCampaignMembers(at: now) >= 1)
        #expect(try await hub.store.customer(id: cy)?.state.offers[id]?.value != nil)
        #expect(try await hub.store.recordOnlineOrders([late], at: now).first?.offerFlagged == true)
        let outside = try #require(try await hub.store.offerOveruses(includeApproved: false).last)
        #expect(outside.orderID == "W-4" && outside.outsideWindow && outside.uses == 1 && outside.allowed == 1)
        #expect(outside.why == "used outside the offer's window")
    }
}
