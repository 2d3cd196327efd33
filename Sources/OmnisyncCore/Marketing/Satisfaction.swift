import Foundation

/// Satisfaction figures over a set of scores (0 to 10): how many, the net
/// promoter score (promoters, 9-10, minus detractors, 0-6, in percentage
/// points) and the mean score, each with its 95% interval (normal
/// approximations: the NPS as the mean of +1/0/-1 per answer, the mean
/// score with the sample's variance).
public struct Satisfaction: Sendable, Hashable, Encodable {
    public var count: Int
    public var promoters: Int
    public var detractors: Int
    /// In points, from -100 to 100.
    public var nps: Uplift.Interval?
    public var meanScore: Uplift.Interval?

    public init(scores: some Sequence<Int>) {
        var count = 0
        var promoters = 0
        var detractors = 0
        var sum = 0.0
        var squares = 0.0
        for score in scores {
            count += 1
            if score >= 9 { promoters += 1 } else if score <= 6 { detractors += 1 }
            sum += Double(score)
            squares += Double(score * score)
        }
        self.count = count
        self.promoters = promoters
        self.detractors = detractors
        guard count > 0 else { return }
        let n = Double(count)
        let (pPlus, pMinus) = (Double(promoters) / n, Double(detractors) / n)
        let nps = pPlus - pMinus
        // Each answer is +1, 0 or -1: variance p+ + p- - (p+ - p-)^2.
        let npsMargin = Uplift.z * max(0, (pPlus + pMinus - nps * nps) / n).squareRoot()
        self.nps = Uplift.Interval(estimate: nps * 100, low: (nps - npsMargin) * 100, high: (nps + npsMargin) * 100)
        let mean = sum / n
        let variance = count > 1 ? max(0, (squares - sum * sum / n) / (n - 1)) : 0
        let meanMargin = Uplift.z * (variance / n).squareRoot()
        meanScore = Uplift.Interval(estimate: mean, low: mean - meanMargin, high: mean + meanMargin)
    }
}
