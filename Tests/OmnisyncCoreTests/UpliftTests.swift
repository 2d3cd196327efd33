import Foundation
import OmnisyncCore
import OmnisyncTestSupport
import Testing

/// The report's uplift and its 95% intervals, on synthetic campaigns with a
/// planted effect and with none: over many campaigns the interval holds the
/// true effect about 95% of the time, and an effect well beyond the noise is
/// told apart from none.
@Suite struct UpliftTests {
    /// One synthetic campaign: each customer converts with `rate` and then
    /// spends around `basket` (minor units).
    static func group(_ customers: Int, rate: Double, basket: Double, _ random: inout SeededGenerator) -> Uplift.Group {
        Uplift.Group(spends: (0..<customers).map { _ in
            guard Double.random(in: 0..<1, using: &random) < rate else { return 0 }
            return basket * Double.random(in: 0.5...1.5, using: &random)
        })
    }

    @Test func theIntervalHoldsThePlantedEffectAboutNinetyFivePercentOfTheTime() {
        var random = TestSeed.generator("uplift coverage")
        let runs = 300
        var coveredConversion = 0
        var coveredSpend = 0
        var coveredRelative = 0
        for _ in 0..<runs {
            let treated = Self.group(4_000, rate: 0.12, basket: 5_000, &random)
            let holdout = Self.group(1_000, rate: 0.10, basket: 5_000, &random)
            let conversion = Uplift.conversion(treated: treated, holdout: holdout)!
            let spend = Uplift.spendPerCustomer(treated: treated, holdout: holdout)!
            if conversion.absolute.contains(0.02) { coveredConversion += 1 }
            if spend.absolute.contains(0.02 * 5_000) { coveredSpend += 1 }
            if conversion.relative?.contains(0.2) == true { coveredRelative += 1 }
        }
        // 95% nominal; a binomial count over 300 runs stays above 88% with overwhelming odds.
        for (name, covered) in [("conversion", coveredConversion), ("spend", coveredSpend), ("relative", coveredRelative)] {
            #expect(Double(covered) / Double(runs) > 0.88, "\(name): \(covered) of \(runs) intervals held the planted effect")
            #expect(Double(covered) / Double(runs) < 0.995, "\(name): \(covered) of \(runs): intervals too wide to mean anything")
        }
    }

    @Test func noEffectIsSeenAsNoneAndALargeOneIsSeen() {
        var random = TestSeed.generator("uplift power")
        var falseAlarms = 0
        var found = 0
        for _ in 0..<200 {
            let none = Uplift.conversion(
                treated: Self.group(4_000, rate: 0.10, basket: 5_000, &random), holdout: Self.group(1_000, rate: 0.10, basket: 5_000, &random)
            )!
            if !none.absolute.contains(0) { falseAlarms += 1 }
            let large = Uplift.conversion(
                treated: Self.group(4_000, rate: 0.16, basket: 5_000, &random), holdout: Self.group(1_000, rate: 0.10, basket: 5_000, &random)
            )!
            if large.absolute.low > 0 { found += 1 }
        }
        #expect(falseAlarms < 20, "\(falseAlarms) of 200 campaigns without effect showed one")
        #expect(found > 190, "a 6-point lift on 4,000 vs 1,000 customers was found \(found) times of 200")
    }

    @Test func handWorkedIntervals() throws {
        // 120 of 1,000 against 100 of 1,000: a 2-point difference, standard error
        // sqrt(0.12*0.88/1000 + 0.10*0.90/1000) = 0.0139857, margin 1.96 x that = 0.0274114.
        let treated = Uplift.Group(customers: 1_000, converted: 120, spend: 0, spendSquares: 0)
        let holdout = Uplift.Group(customers: 1_000, converted: 100, spend: 0, spendSquares: 0)
        let estimate = try #require(Uplift.conversion(treated: treated, holdout: holdout))
        #expect(abs(estimate.absolute.estimate - 0.02) < 1e-12)
        #expect(abs(estimate.absolute.low - (0.02 - 0.0274114)) < 1e-6 && abs(estimate.absolute.high - (0.02 + 0.0274114)) < 1e-6)
        #expect(abs(try #require(estimate.relative).estimate - 0.2) < 1e-12)
        // An empty holdout measures nothing; a holdout that never converted has no relative uplift.
        #expect(Uplift.conversion(treated: treated, holdout: Uplift.Group(customers: 0, converted: 0, spend: 0, spendSquares: 0)) == nil)
        #expect(Uplift.conversion(treated: treated, holdout: Uplift.Group(customers: 50, converted: 0, spend: 0, spendSquares: 0))?.relative == nil)
    }
}
