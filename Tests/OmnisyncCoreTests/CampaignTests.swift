import Foundation
import OmnisyncCore
import OmnisyncTestSupport
import Testing

/// Campaigns as head office writes them, who they are for, and the holdout
/// draw that decides once and for all who is held out.
@Suite struct CampaignTests {
    static let campaign = CampaignID(rawValue: "0193a5d2-7c1e-7000-8000-000000000001")!

    @Test func theHoldoutDrawIsStableAndCloseToTheShareOver100000Customers() {
        var random = TestSeed.generator("holdout customers")
        let customers = (0..<100_000).map { _ in
            CustomerID(rawValue: UUIDv7.make(unixMillis: Int64.random(in: 1_700_000_000_000...1_800_000_000_000, using: &random), using: &random))!
        }
        let held = customers.filter { HoldoutDraw.isHeldOut(campaign: Self.campaign, customer: $0, share: 0.1) }
        // A binomial count: 10,000 expected, standard deviation about 95; 5 of them either way.
        #expect(abs(held.count - 10_000) < 475, "\(held.count) held out of 100,000 at 10%")
        // The same answer again, and in any order: the draw reads nothing but the two ids.
        let again = Set(customers.shuffled(using: &random).filter { HoldoutDraw.isHeldOut(campaign: Self.campaign, customer: $0, share: 0.1) })
        #expect(again == Set(held))
        // Another campaign draws other customers (independent draws overlap by about the share).
        let other = CampaignID(rawValue: "0193a5d2-7c1e-7000-8000-000000000002")!
        let overlap = held.filter { HoldoutDraw.isHeldOut(campaign: other, customer: $0, share: 0.1) }.count
        #expect(abs(overlap - 1_000) < 150, "\(overlap) customers held out of both")
        // The edges: nobody at 0, everybody at 1 (a draw is never 1).
        #expect(!customers.contains { HoldoutDraw.isHeldOut(campaign: Self.campaign, customer: $0, share: 0) })
        #expect(customers.allSatisfy { HoldoutDraw.isHeldOut(campaign: Self.campaign, customer: $0, share: 1) })
    }

    @Test func theProductBriefsShapeDecodesWithItsDefaults() throws {
        let json = """
            {"name":"Spring runners","audience":{"segment":"champions","tags":["running"],"stores":["PARIS-01","LYON-02"],"consent":"email"},
             "offer":{"percentOff":20,"skus":["SHOE-42"]},"validUntil":"2027-04-01T00:00:00Z"}
            """
        let definition = try WireCoding.decode(CampaignDefinition.self, from: Data(json.utf8))
        #expect(definition.usesPerCustomer == 1 && definition.holdoutBasisPoints == 1000 && definition.validFrom == nil)
        #expect(definition.offer.discount == .percent(basisPoints: 2000) && definition.offer.skus == ["SHOE-42"])
        #expect(definition.offer.description == "20 % off on SHOE-42")
        #expect(definition.audience.stores == [StoreID(rawValue: "PARIS-01")!, StoreID(rawValue: "LYON-02")!])
        #expect(try WireCoding.decode(CampaignDefinition.self, from: try WireCoding.encode(definition)) == definition, "what show prints reads back")

        let points = try WireCoding.decode(CampaignDefinition.self, from: Data(#"{"name":"x","offer":{"pointsMultiplier":2,"pointsBonus":50},"validUntil":"2027-04-01T00:00:00Z","holdout":0.25,"usesPerCustomer":3}"#.utf8))
        #expect(points.offer.description == "double points, 50 bonus points" && points.holdoutBasisPoints == 2500 && points.usesPerCustomer == 3)
    }

    @Test(arguments: [
        (#"{"offer":{"percentOff":20},"validUntil":"2027-04-01T00:00:00Z"}"#, "name"),
        (#"{"name":"x","offer":{},"validUntil":"2027-04-01T00:00:00Z"}"#, "gives something"),
        (#"{"name":"x","offer":{"percentOff":120},"validUntil":"2027-04-01T00:00:00Z"}"#, "percentOff"),
        (#"{"name":"x","offer":{"percentOff":12.345},"validUntil":"2027-04-01T00:00:00Z"}"#, "percentOff"),
        (#"{"name":"x","offer":{"percentOff":10,"amountOff":{"amount":500,"currency":"EUR"}},"validUntil":"2027-04-01T00:00:00Z"}"#, "not both"),
        (#"{"name":"x","offer":{"pointsMultiplier":1},"validUntil":"2027-04-01T00:00:00Z"}"#, "pointsMultiplier"),
        (#"{"name":"x","offer":{"percentOff":10,"skus":[]},"validUntil":"2027-04-01T00:00:00Z"}"#, "skus"),
        (#"{"name":"x","offer":{"percentOff":10}}"#, "validUntil"),
        (#"{"name":"x","offer":{"percentOff":10},"validFrom":"2027-05-01T00:00:00Z","validUntil":"2027-04-01T00:00:00Z"}"#, "after validFrom"),
        (#"{"name":"x","offer":{"percentOff":10},"validUntil":"2027-04-01T00:00:00Z","holdout":1}"#, "holdout"),
        (#"{"name":"x","offer":{"percentOff":10},"validUntil":"2027-04-01T00:00:00Z","usesPerCustomer":0}"#, "usesPerCustomer"),
        (#"{"name":"x","offer":{"percentOff":10},"validUntil":"2027-04-01T00:00:00Z","audience":{"stores":["bad store"]}}"#, "stores"),
        (#"{"name":"x","offer":{"percentOff":10},"validUntil":"2027-04-01T00:00:00Z","audience":{"consent":"fax"}}"#, "consent"),
        (#"{"name":"x","offer":{"percentOff":10},"validUntil":"2027-04-01T00:00:00Z","budget":5}"#, "budget"),
    ])
    func aBadDefinitionIsRefusedNamingTheField(json: String, named: String) {
        do {
            _ = try WireCoding.decode(CampaignDefinition.self, from: Data(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.contains(named), "\(error.description)")
        }
    }

    @Test func theAudienceReadsTheProfileAsTheTillsSeeItAndTheStoresDealtWith() throws {
        var clock = HybridLogicalClock(replica: .hub)
        var state = ProfileState(id: CustomerID(rawValue: "C-1")!)
        state.write(.tier, "vip", at: clock.tick(wallMillis: 1))
        state.write(.segment, "champions", at: clock.tick(wallMillis: 2))
        let paris: Set<StoreID> = [StoreID(rawValue: "PARIS-01")!]
        #expect(Audience().admits(state, stores: []), "an empty audience is everybody")
        #expect(Audience(segment: "champions", tier: "vip", stores: paris).admits(state, stores: paris))
        #expect(!Audience(tier: "gold").admits(state, stores: paris))
        #expect(!Audience(stores: [StoreID(rawValue: "LYON-02")!]).admits(state, stores: paris))
        #expect(!Audience(tags: [Tag(rawValue: "running")!]).admits(state, stores: paris))
        #expect(!Audience(consent: .email).admits(state, stores: paris), "no consent given is no consent")
        state.erase(at: clock.tick(wallMillis: 3))
        #expect(!Audience().admits(state, stores: paris), "an erased customer is in no audience")
    }

    @Test func aCampaignRunsFromItsStartToItsEndOrItsStop() {
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let definition = CampaignDefinition(name: "x", offer: Offer(pointsBonus: 10), validUntil: created.addingTimeInterval(3600))
        var campaign = Campaign(id: Self.campaign, definition: definition, createdAt: created)
        #expect(campaign.isRunning(at: created) && !campaign.isRunning(at: created.addingTimeInterval(3600)))
        #expect(campaign.status(at: created.addingTimeInterval(-1)) == "scheduled" && campaign.status(at: created.addingTimeInterval(3600)) == "ended")
        campaign.stoppedAt = created.addingTimeInterval(60)
        #expect(!campaign.isRunning(at: created.addingTimeInterval(60)) && campaign.status(at: created.addingTimeInterval(60)) == "stopped")
    }

    @Test func twoStoresUsingASingleUseOfferOfflineBothCountAndEveryReplicaShowsItUsed() throws {
        let customer = CustomerID(rawValue: "C-1")!
        let noon = Date(timeIntervalSince1970: 1_800_000_000)
        var hubClock = HybridLogicalClock(replica: .hub)
        var granted = ProfileState(id: customer)
        let grant = OfferGrant(campaign: Self.campaign, description: "20 % off", validFrom: noon, validUntil: noon.addingTimeInterval(3600), uses: 1)
        granted.grant(grant, of: Self.campaign, at: hubClock.tick(wallMillis: noon.millis))
        #expect(granted.activeOffers(at: noon) == [grant] && granted.activeOffers(at: noon.addingTimeInterval(3600)).isEmpty)

        // Both tills pulled the grant, then went offline and sold with it.
        func sale(at terminal: String) -> JournalEntry {
            let euro = Money(amount: 1000, currency: Currency(rawValue: "EUR")!)
            return JournalEntry(
                id: EntryID(rawValue: "E-\(terminal)")!, terminal: TerminalID(rawValue: terminal)!, seq: 1, recordedAt: noon,
                hlc: HLCTimestamp(wallMillis: noon.millis + 60_000, counter: 0, replica: ReplicaID(rawValue: terminal)!),
                event: .sale(SaleEvent(
                    customer: customer, card: nil, enrolled: false, lines: [SaleLine(sku: "S", quantity: 1, unitPrice: euro)], total: euro,
                    receipt: nil, pointsEarned: 10, pointsRedeemed: 0, offer: Self.campaign
                ))
            )
        }
        var paris = granted
        var lyon = granted
        #expect(try paris.apply(sale(at: "T-PARIS")).offerOveruse == nil)
        #expect(try lyon.apply(sale(at: "T-LYON")).offerOveruse == nil, "each till saw one use: within its grant")
        #expect(paris.activeOffers(at: noon.addingTimeInterval(120)).isEmpty, "used up where it was used")

        // The hub applies both: the second is the double use, flagged once.
        var hub = granted
        #expect(try hub.apply(sale(at: "T-PARIS")).offerOveruse == nil)
        let second = try hub.apply(sale(at: "T-LYON")).offerOveruse
        #expect(second == .init(campaign: Self.campaign, uses: 2, allowed: 1))
        #expect(hub.uses(of: Self.campaign) == 2)

        // Every replica converges on "used" (twice), whichever way the copies meet.
        paris.merge(lyon)
        lyon.merge(hub)
        #expect(paris == hub && lyon == hub)
        #expect(hub.activeOffers(at: noon.addingTimeInterval(120)).isEmpty)
        // A withdrawn grant: nothing active, and a later use is flagged as held by nobody.
        hub.grant(nil, of: Self.campaign, at: hubClock.tick(wallMillis: noon.millis + 120_000))
        #expect(try hub.apply(sale(at: "T-NICE")).offerOveruse?.allowed == nil)
        #expect(try ProfileState(compactBytes: hub.compactBytes) == hub)
    }
}
