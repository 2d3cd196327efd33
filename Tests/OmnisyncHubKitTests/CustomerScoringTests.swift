import Foundation
import OmnisyncCore
import OmnisyncTestSupport
import Testing
@testable import OmnisyncHubKit

/// RFM quintiles, segments, tiers with hysteresis and lifecycle stages,
/// against expectations computed by hand (definitions in docs/crm.md).
@Suite struct CustomerScoringTests {
    let euro = Currency(rawValue: "EUR")!
    let now = Date(millis: 1_800_000_000_000)!
    let day: Int64 = 86_400_000

    func id(_ n: Int) -> CustomerID { CustomerID(rawValue: "C-\(n)")! }
    func daysAgo(_ days: Int64) -> Date { Date(millis: now.millis - days * day)! }

    @Test func quintilesScoreByHowManyAreBelowAndTiesAlike() {
        let five = CustomerScoring.quintiles((1...5).map { (id($0), Double($0 * 10)) })
        #expect((1...5).map { five[id($0)] } == [1, 2, 3, 4, 5])
        // ceil(5c/n): each 10 has two values at or below it among three: ceil(10/3) = 4; the 20 has all three: 5.
        let ties = CustomerScoring.quintiles([(id(1), 10), (id(2), 10), (id(3), 20)])
        #expect(ties[id(1)] == 4 && ties[id(2)] == 4 && ties[id(3)] == 5)
        // However small the base, the best scores 5.
        let two = CustomerScoring.quintiles([(id(1), 1), (id(2), 2)])
        #expect(two[id(1)] == 3 && two[id(2)] == 5)
        let ten = CustomerScoring.quintiles((1...10).map { (id($0), Double($0)) })
        #expect((1...10).map { ten[id($0)]! } == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    }

    @Test func segmentsFromRecencyAndFrequency() {
        #expect(CustomerScoring.segment(recency: 5, frequency: 5, orders: 9) == .champions)
        #expect(CustomerScoring.segment(recency: 5, frequency: 1, orders: 1) == .new)
        #expect(CustomerScoring.segment(recency: 3, frequency: 4, orders: 6) == .loyal)
        #expect(CustomerScoring.segment(recency: 4, frequency: 2, orders: 2) == .promising)
        #expect(CustomerScoring.segment(recency: 3, frequency: 2, orders: 2) == .needsAttention)
        #expect(CustomerScoring.segment(recency: 2, frequency: 4, orders: 7) == .atRisk)
        #expect(CustomerScoring.segment(recency: 1, frequency: 1, orders: 1) == .hibernating)
    }

    @Test func aVIPKeepsTheTierNearTheThresholdButANewcomerMustReachIt() {
        let settings = CRMSettings(vipSpend: 1000, vipOrders: 0, vipKeepShare: 0.8)
        func tier(_ spend: Int64, was previous: CustomerScoring.Tier?) -> CustomerScoring.Tier {
            CustomerScoring.tier(
                .init(id: id(1), orders: 1, firstPurchase: now, lastPurchase: now, spend: [euro: spend], windowSpend: [euro: spend], windowOrders: 1, previousTier: previous),
                settings: settings
            )
        }
        #expect(tier(1000, was: nil) == .vip)
        #expect(tier(999, was: .ordinary) == .ordinary)
        #expect(tier(850, was: .vip) == .vip)
        #expect(tier(800, was: .vip) == .vip)
        #expect(tier(799, was: .vip) == .ordinary)
        // Orders and points count too, when set.
        let byOrders = CRMSettings(vipSpend: 0, vipOrders: 3, vipPoints: 500)
        #expect(CustomerScoring.tier(.init(id: id(1), orders: 3, firstPurchase: now, lastPurchase: now, spend: [:], windowOrders: 3), settings: byOrders) == .vip)
        #expect(CustomerScoring.tier(.init(id: id(1), orders: 1, firstPurchase: now, lastPurchase: now, spend: [:], windowOrders: 1, points: 500), settings: byOrders) == .vip)
    }

    @Test func lifecycleFollowsTheCustomersOwnRhythm() {
        let settings = CRMSettings(singlePurchaseGapDays: 90)
        func stage(orders: Int64, first: Int64, last: Int64, was previous: CustomerScoring.Lifecycle? = nil) -> (CustomerScoring.Lifecycle?, Bool) {
            CustomerScoring.stage(
                .init(id: id(1), orders: orders, firstPurchase: daysAgo(first), lastPurchase: daysAgo(last), spend: [:], previousLifecycle: previous),
                now: now, settings: settings
            )
        }
        // One purchase: the assumed gap is 90 days; at risk past 180, churned past 360.
        #expect(stage(orders: 1, first: 30, last: 30) == (.new, false))
        #expect(stage(orders: 1, first: 200, last: 200) == (.atRisk, true))
        #expect(stage(orders: 1, first: 400, last: 400) == (.churned, true))
        // Five purchases 50 to 10 days ago: a 10-day rhythm.
        #expect(stage(orders: 5, first: 50, last: 10) == (.active, false))
        #expect(stage(orders: 5, first: 65, last: 25) == (.atRisk, true))
        #expect(stage(orders: 5, first: 85, last: 45) == (.churned, true))
        // Back after churning: won back, until they lapse again.
        #expect(stage(orders: 6, first: 200, last: 2, was: .churned) == (.wonBack, false))
        #expect(stage(orders: 7, first: 200, last: 1, was: .wonBack) == (.wonBack, false))
        #expect(stage(orders: 0, first: 0, last: 0) == (nil, false))
    }

    @Test func onceTheModelsAreFittedARepeatBuyersChurnFlagFollowsTheirProbabilityAlive() {
        let settings = CRMSettings(singlePurchaseGapDays: 90)
        func stage(orders: Int64, last: Int64, pAlive: Double?, was previous: CustomerScoring.Lifecycle? = nil) -> (CustomerScoring.Lifecycle?, Bool) {
            CustomerScoring.stage(
                .init(
                    id: id(1), orders: orders, firstPurchase: daysAgo(100), lastPurchase: daysAgo(last), spend: [:], previousLifecycle: previous,
                    pAlive: pAlive
                ),
                now: now, settings: settings
            )
        }
        // Bought ten days ago in a ten-day rhythm, yet the model says they are likely gone, or at risk.
        #expect(stage(orders: 10, last: 10, pAlive: 0.15) == (.churned, true))
        #expect(stage(orders: 10, last: 10, pAlive: 0.35) == (.atRisk, true))
        // Silent for 60 days (six gaps: churned by the rhythm rule), but the model still sees them alive.
        #expect(stage(orders: 10, last: 60, pAlive: 0.8) == (.active, false))
        #expect(stage(orders: 10, last: 60, pAlive: 0.8, was: .churned) == (.wonBack, false))
        #expect(stage(orders: 10, last: 60, pAlive: nil) == (.churned, true), "no model: the rhythm rule")
        // One purchase: BG/NBD says alive by construction, so the gap rule still decides.
        #expect(stage(orders: 1, last: 400, pAlive: 1) == (.churned, true))
    }

    @Test func aSmallChainScoredByHand() {
        // Five buyers and one who only enrolled.
        let inputs: [CustomerScoring.Input] = [
            .init(id: id(1), orders: 10, firstPurchase: daysAgo(300), lastPurchase: daysAgo(1), spend: [euro: 50_000]),
            .init(id: id(2), orders: 6, firstPurchase: daysAgo(300), lastPurchase: daysAgo(40), spend: [euro: 20_000]),
            .init(id: id(3), orders: 1, firstPurchase: daysAgo(3), lastPurchase: daysAgo(3), spend: [euro: 1_000]),
            .init(id: id(4), orders: 4, firstPurchase: daysAgo(500), lastPurchase: daysAgo(200), spend: [euro: 30_000]),
            .init(id: id(5), orders: 2, firstPurchase: daysAgo(700), lastPurchase: daysAgo(600), spend: [euro: 5_000]),
            .init(id: id(6), orders: 0, firstPurchase: nil, lastPurchase: nil, spend: [:]),
        ]
        let scores = CustomerScoring.score(inputs, now: now, settings: CRMSettings(vipSpend: 1_000_000, vipOrders: 0))
        // Recency in days since the last purchase, from worst: C-5 (600), C-4 (200), C-2 (40), C-3 (3), C-1 (1).
        #expect((1...5).map { scores[id($0)]?.recency } == [5, 3, 4, 2, 1])
        // Frequency: 1 (C-3), 2 (C-5), 4 (C-4), 6 (C-2), 10 (C-1).
        #expect((1...5).map { scores[id($0)]?.frequency } == [5, 4, 1, 3, 2])
        #expect((1...5).map { scores[id($0)]?.monetary } == [5, 3, 1, 4, 2])
        #expect((1...5).map { scores[id($0)]?.segment } == [.champions, .loyal, .new, .atRisk, .hibernating])
        #expect(scores[id(6)]?.recency == nil && scores[id(6)]?.segment == nil && scores[id(6)]?.lifecycle == nil)
        #expect(scores.values.allSatisfy { $0.tier == .ordinary })
    }
}
