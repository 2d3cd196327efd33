import Foundation
import OmnisyncCore
import Testing

/// Satisfaction figures against hand-worked cases.
@Suite struct SatisfactionTests {
    @Test func npsAndMeanScoreWithTheirIntervals() throws {
        // 2 promoters (10, 9), 2 passives (8, 7), 2 detractors (6, 0): NPS 0; mean 40 / 6.
        let mixed = Satisfaction(scores: [10, 9, 8, 7, 6, 0])
        #expect(mixed.count == 6 && mixed.promoters == 2 && mixed.detractors == 2)
        let nps = try #require(mixed.nps)
        #expect(abs(nps.estimate) < 1e-9)
        // Each answer +1/0/-1: variance 4/6, so the margin is 1.96 x sqrt(4/6 / 6) = 0.6533 (65.33 points).
        #expect(abs(nps.high - 65.33) < 0.01 && abs(nps.low + 65.33) < 0.01)
        let mean = try #require(mixed.meanScore)
        #expect(abs(mean.estimate - 40.0 / 6) < 1e-9)
        // Sample variance: (sum of squares 330 - 40^2/6) / 5 = 12.6667; margin 1.96 x sqrt(12.6667 / 6) = 2.8478.
        #expect(abs(mean.high - mean.estimate - 2.8478) < 0.001)

        let loved = Satisfaction(scores: [10, 10, 10, 0])
        #expect(abs(try #require(loved.nps).estimate - 50) < 1e-9)
        #expect(Satisfaction(scores: []).nps == nil && Satisfaction(scores: []).count == 0, "no answers, no figures")
        #expect(try #require(Satisfaction(scores: [9, 9]).nps).low == 100, "unanimous answers have no spread")
    }
}
