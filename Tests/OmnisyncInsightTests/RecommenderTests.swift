import Foundation
import OmnisyncCore
import OmnisyncInsight
import OmnisyncTestSupport
import Testing

/// Item-to-item recommendations on a planted co-purchase structure.
@Suite struct RecommenderTests {
    /// Six groups of twelve SKUs ("G2-07"); each customer shops in one group,
    /// three to six of its SKUs over two to four baskets, and one in five also
    /// buys the chain's staple ("BAG"). Customers of store S-1 favour group 0.
    static func plantedCustomers(count: Int, using generator: inout SeededGenerator) -> [HitRate.Customer] {
        (0..<count).map { index in
            let store = index.isMultiple(of: 2) ? "S-1" : "S-2"
            let group = store == "S-1" && Sampling.uniform(using: &generator) < 0.5 ? 0 : Int.random(in: 0..<6, using: &generator)
            let items = Array((0..<12).shuffled(using: &generator).prefix(Int.random(in: 3...6, using: &generator))).map { String(format: "G%d-%02d", group, $0) }
            var baskets: [[String]] = []
            var remaining = items[...]
            let basketCount = Int.random(in: 2...4, using: &generator)
            for basket in 0..<basketCount {
                let size = basket == basketCount - 1 ? remaining.count : max(1, remaining.count / (basketCount - basket))
                var contents = Array(remaining.prefix(size))
                remaining = remaining.dropFirst(size)
                if Sampling.uniform(using: &generator) < 0.2 { contents.append("BAG") }
                if !contents.isEmpty { baskets.append(contents) }
            }
            return HitRate.Customer(store: store, baskets: baskets)
        }
    }

    static func model(_ customers: [HitRate.Customer]) -> (CoPurchaseCounts, Recommender) {
        var counts = CoPurchaseCounts()
        var storeBuyers: [String: [Int32: Int]] = [:]
        for customer in customers {
            var had: Set<Int32> = []
            for basket in customer.baskets {
                let items = Set(basket.map { counts.number(of: $0) })
                for item in items.subtracting(had) { storeBuyers[customer.store ?? "", default: [:]][item, default: 0] += 1 }
                counts.record(had: had, bought: items)
                had.formUnion(items)
            }
        }
        return (counts, Recommender(counts: counts, storeBuyers: storeBuyers))
    }

    @Test func aCustomerIsRecommendedTheRestOfTheirGroupFirst() throws {
        var generator = TestSeed.generator("planted co-purchase")
        let (counts, recommender) = Self.model(Self.plantedCustomers(count: 3_000, using: &generator))
        for group in 0..<6 {
            let bought = try Set(["G\(group)-00", "G\(group)-05", "G\(group)-11"].map { try #require(counts.existingNumber(of: $0)) })
            let top = recommender.names(recommender.recommend(bought: bought, store: "S-2"))
            #expect(top.count == 10)
            let expected = Set((0..<12).filter { ![0, 5, 11].contains($0) }.map { String(format: "G%d-%02d", group, $0) })
            #expect(Set(top.prefix(9)) == expected, "group \(group): \(top)")
        }
    }

    @Test func aNewCustomerGetsTheirStoresBestSellers() {
        var generator = TestSeed.generator("best sellers")
        let (counts, recommender) = Self.model(Self.plantedCustomers(count: 3_000, using: &generator))
        let atS1 = recommender.names(recommender.recommend(bought: [], store: "S-1"))
        // Half of S-1's customers shop in group 0: after the staple, its twelve SKUs are S-1's best sellers.
        #expect(atS1.count == 10 && atS1.first == "BAG" && atS1.dropFirst().allSatisfy { $0.hasPrefix("G0-") }, "\(atS1)")
        let chain = recommender.names(recommender.recommend(bought: [], store: "S-9"))
        #expect(chain.first == "BAG", "a store without sales gets the chain's best sellers: \(chain)")
        // A stock list leaves out what the store does not carry.
        let bag = counts.existingNumber(of: "BAG")
        let stocked = recommender.recommend(bought: [], store: "S-9", allowed: { $0 != bag })
        #expect(stocked.count == 10 && !stocked.contains { $0 == bag })
    }

    @Test func countsRecordedOrderByOrderEqualCountsRecordedAtOnce() {
        var incremental = CoPurchaseCounts()
        var atOnce = CoPurchaseCounts()
        let a = [incremental.number(of: "A"), incremental.number(of: "B"), incremental.number(of: "C")]
        _ = ["A", "B", "C"].map { atOnce.number(of: $0) }
        // One customer buys A, then A and B, then C; another buys B and C.
        incremental.record(had: [], bought: [a[0]])
        incremental.record(had: [a[0]], bought: [a[0], a[1]])
        incremental.record(had: [a[0], a[1]], bought: [a[2]])
        incremental.record(had: [], bought: [a[1], a[2]])
        atOnce.record(had: [], bought: [a[0], a[1], a[2]])
        atOnce.record(had: [], bought: [a[1], a[2]])
        #expect(incremental.buyers == atOnce.buyers && incremental.pairs == atOnce.pairs)
        #expect(incremental.buyers == [1, 2, 2])
        #expect(incremental.together(a[1], a[2]) == 2 && incremental.together(a[0], a[2]) == 1)
    }

    @Test func coPurchaseBeatsThePopularityBaselineOnHeldOutBaskets() {
        var generator = TestSeed.generator("hit rate")
        let report = HitRate.evaluate(Self.plantedCustomers(count: 4_000, using: &generator))
        #expect(report.evaluated > 3_000)
        #expect(report.coPurchase > 0.9, "hit rate @10: co-purchase \(report.coPurchase), popularity \(report.popularity)")
        // The staple and S-1's favourite group give the best sellers about half the hits, never more than two thirds.
        #expect(report.popularity < 0.67 && report.coPurchase > 1.5 * report.popularity, "co-purchase \(report.coPurchase), popularity \(report.popularity)")
    }
}
