#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting
/// your customers the easy way"): while alive, a customer buys at a Poisson
/// rate λ, Gamma(r, α) across customers; after each repeat purchase they
/// leave for good with probability p, Beta(a, b) across customers.
///
/// Fitted by maximum likelihood on every customer's ``PurchaseHistory``; it
/// then says, per customer, how likely they are still a customer
/// (``probabilityAlive(_:)``) and how many purchases to expect from them
/// (``expectedPurchases(in:given:)``). The formulas are the paper's, in the
/// same form as the `lifetimes` package's (`BetaGeoFitter`), whose results on
/// the CDNOW sample the tests match.
public struct BGNBDModel: Sendable, Hashable, Codable {
    /// Shape of the purchase-rate distribution.
    public var r: Double
    /// Scale of the purchase-rate distribution, in the histories' time unit.
    public var alpha: Double
    /// The dropout probability's Beta parameters.
    public var a: Double
    public var b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// A fitted model with what the fit saw.
    public struct Fit: Sendable, Hashable {
        public var model: BGNBDModel
        /// The maximised log-likelihood, summed over customers.
        public var logLikelihood: Double
        public var customers: Int
        public var iterations: Int
    }

    // MARK: Fitting

    /// Fits the model to `histories` by maximum likelihood: BFGS on the logs
    /// of the four parameters with the likelihood's analytic gradient, over
    /// the distinct (x, tₓ, T) triples weighted by how many customers share
    /// them (a million customers bought on whole days have far fewer).
    public static func fit(_ histories: [PurchaseHistory]) throws(InsightError) -> Fit {
        guard histories.count >= 10 else {
            throw InsightError(.notEnoughData, "the BG/NBD model needs at least 10 customers; it has \(histories.count)")
        }
        guard histories.contains(where: { $0.frequency > 0 }) else {
            throw InsightError(.notEnoughData, "no customer has bought twice yet: the BG/NBD model cannot tell a rate of purchase from a dropout")
        }
        let groups = Groups(histories)
        // A start of the data's own scale: r = 1 and α the mean age over one plus the mean frequency.
        let meanAge = histories.reduce(0) { $0 + $1.age } / Double(histories.count)
        let meanFrequency = Double(histories.reduce(0) { $0 + $1.frequency }) / Double(histories.count)
        let starts: [[Double]] = [
            [0, log(max(meanAge, 1e-3) / (1 + meanFrequency)), 0, 0],
            [0, 0, 0, 0],
        ]
        var best: Minimizer.Result?
        for start in starts where groups.negativeMeanLogLikelihood(start).value.isFinite {
            let result = Minimizer.bfgs(from: start) { groups.negativeMeanLogLikelihood($0) }
            if best == nil || result.value < best!.value { best = result }
        }
        guard let best, best.value.isFinite else {
            throw InsightError(.didNotConverge, "the BG/NBD likelihood is not finite anywhere the fit looked; the histories may be inconsistent")
        }
        guard best.converged else {
            throw InsightError(.didNotConverge, "the BG/NBD fit stopped after \(best.iterations) iterations without reaching a maximum")
        }
        let p = best.point.map { exp($0) }
        return Fit(
            model: BGNBDModel(r: p[0], alpha: p[1], a: p[2], b: p[3]), logLikelihood: -best.value * groups.totalWeight,
            customers: histories.count, iterations: best.iterations
        )
    }

    /// The histories grouped by (x, tₓ, T), with each distinct x's terms.
    struct Groups {
        var frequency: [Int] = []
        var recency: [Double] = []
        var age: [Double] = []
        var weight: [Double] = []
        /// Index into `distinctFrequencies` of each group's x.
        var frequencyIndex: [Int] = []
        var distinctFrequencies: [Int] = []
        var totalWeight: Double = 0

        init(_ histories: [PurchaseHistory]) {
            struct Key: Hashable {
                var x: Int
                var tx: Double
                var t: Double
            }
            var counts: [Key: Double] = [:]
            for history in histories { counts[Key(x: history.frequency, tx: history.recency, t: history.age), default: 0] += 1 }
            let distinct = Array(Set(counts.keys.map(\.x))).sorted()
            let position = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
            distinctFrequencies = distinct
            // A fixed order, so a refit of the same data takes the same steps.
            for (key, count) in counts.sorted(by: { ($0.key.x, $0.key.tx, $0.key.t) < ($1.key.x, $1.key.tx, $1.key.t) }) {
                frequency.append(key.x)
                recency.append(key.tx)
                age.append(key.t)
                weight.append(count)
                frequencyIndex.append(position[key.x]!)
            }
            totalWeight = Double(histories.count)
        }

        /// The mean negative log-likelihood at θ = (ln r, ln α, ln a, ln b),
        /// and its gradient in θ.
        func negativeMeanLogLikelihood(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
            let (r, alpha, a, b) = (exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3]))
            guard [r, alpha, a, b].allSatisfy({ $0.isFinite && $0 > 0 }) else { return (.infinity, [0, 0, 0, 0]) }
            let lgR = SpecialFunctions.logGamma(r)
            let lgB = SpecialFunctions.logGamma(b)
            let lgAB = SpecialFunctions.logGamma(a + b)
            let psiR = SpecialFunctions.digamma(r)
            let psiB = SpecialFunctions.digamma(b)
            let psiAB = SpecialFunctions.digamma(a + b)
            let logAlpha = log(alpha)
            let logA = log(a)
            // The terms of each distinct x: A1 + A2 without r ln α, and their derivatives.
            var constant = [Double](repeating: 0, count: distinctFrequencies.count)
            var dR = constant, dA = constant, dB = constant
            for (index, x) in distinctFrequencies.enumerated() {
                let xd = Double(x)
                let lgRX = SpecialFunctions.logGamma(r + xd)
                let lgBX = SpecialFunctions.logGamma(b + xd)
                let lgABX = SpecialFunctions.logGamma(a + b + xd)
                constant[index] = lgRX - lgR + lgAB + lgBX - lgB - lgABX
                let psiABX = SpecialFunctions.digamma(a + b + xd)
                dR[index] = SpecialFunctions.digamma(r + xd) - psiR
                dA[index] = psiAB - psiABX
                dB[index] = psiAB + SpecialFunctions.digamma(b + xd) - psiB - psiABX
            }
            var total = 0.0
            var gr = 0.0, galpha = 0.0, ga = 0.0, gb = 0.0
            for i in frequency.indices {
                let x = Double(frequency[i])
                let w = weight[i]
                let k = frequencyIndex[i]
                let logAlphaT = log(alpha + age[i])
                let a3 = -(r + x) * logAlphaT
                var likelihood = constant[k] + r * logAlpha
                var dr = dR[k] + logAlpha
                var dalpha = r / alpha
                var da = dA[k]
                var db = dB[k]
                if frequency[i] > 0 {
                    let logAlphaTx = log(alpha + recency[i])
                    let a4 = logA - log(b + x - 1) - (r + x) * logAlphaTx
                    let mix = SpecialFunctions.logAddExp(a3, a4)
                    let w3 = exp(a3 - mix)
                    let w4 = exp(a4 - mix)
                    likelihood += mix
                    dr -= w3 * logAlphaT + w4 * logAlphaTx
                    dalpha -= w3 * (r + x) / (alpha + age[i]) + w4 * (r + x) / (alpha + recency[i])
                    da += w4 / a
                    db -= w4 / (b + x - 1)
                } else {
                    likelihood += a3
                    dr -= logAlphaT
                    dalpha -= r / (alpha + age[i])
                }
                total += w * likelihood
                gr += w * dr
                galpha += w * dalpha
                ga += w * da
                gb += w * db
            }
            let n = totalWeight
            // d/dθ = p d/dp, negated and averaged.
            return (-total / n, [-gr * r / n, -galpha * alpha / n, -ga * a / n, -gb * b / n])
        }
    }

    // MARK: Per customer

    /// The log-likelihood of one history under the model.
    public func logLikelihood(_ history: PurchaseHistory) -> Double {
        let x = Double(history.frequency)
        let a1 = SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha)
        let a2 = SpecialFunctions.logGamma(a + b) + SpecialFunctions.logGamma(b + x) - SpecialFunctions.logGamma(b) - SpecialFunctions.logGamma(a + b + x)
        let a3 = -(r + x) * log(alpha + history.age)
        guard history.frequency > 0 else { return a1 + a2 + a3 }
        let a4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + history.recency)
        return a1 + a2 + SpecialFunctions.logAddExp(a3, a4)
    }

    /// P(alive | x, tₓ, T): 1 for a customer who never came back (the model
    /// lets customers leave only after a repeat purchase), else
    /// 1 / (1 + a / (b + x - 1) · ((α + T) / (α + tₓ))^(r + x)).
    public func probabilityAlive(_ history: PurchaseHistory) -> Double {
        guard history.frequency > 0 else { return 1 }
        let x = Double(history.frequency)
        let logOdds = (r + x) * log((alpha + history.age) / (alpha + history.recency)) + log(a / (b + x - 1))
        return 1 / (1 + exp(logOdds))
    }

    /// E[Y(t) | x, tₓ, T]: the purchases to expect in the next `t` (the
    /// paper's equation 10). NaN when a + b + x ≤ 1, where the formula's
    /// hypergeometric series has no meaning (no fit on real data gets there).
    public func expectedPurchases(in t: Double, given history: PurchaseHistory) -> Double {
        let x = Double(history.frequency)
        let (ha, hb, hc) = (r + x, b + x, a + b + x - 1)
        guard hc > 0, t >= 0 else { return .nan }
        let z = t / (alpha + history.age + t)
        let logHyp = SpecialFunctions.logHypergeometric2F1(ha, hb, hc, z)
        let first = (a + b + x - 1) / (a - 1)
        let second = 1 - exp(logHyp + (r + x) * log((alpha + history.age) / (alpha + t + history.age)))
        let denominator = 1 + (history.frequency > 0 ? a / (b + x - 1) * pow((alpha + history.age) / (alpha + history.recency), r + x) : 0)
        return first * second / denominator
    }

    /// E[X(t)] for a customer just acquired: the purchases to expect in
    /// their first `t` (the paper's equation 7).
    public func expectedPurchasesOfNewCustomer(in t: Double) -> Double {
        guard a + b - 1 > 0 else { return .nan }
        let z = t / (alpha + t)
        let logHyp = SpecialFunctions.logHypergeometric2F1(r, b, a + b - 1, z)
        return (a + b - 1) / (a - 1) * (1 - pow(alpha / (alpha + t), r) * exp(logHyp))
    }

    // MARK: Simulation

    /// Histories drawn from the model, one per entry of `ages` (how long
    /// after their first purchase each is observed): for the tests'
    /// parameter recovery and the benchmark's data.
    public func simulate(ages: [Double], using generator: inout some RandomNumberGenerator) -> [PurchaseHistory] {
        var histories: [PurchaseHistory] = []
        histories.reserveCapacity(ages.count)
        for observed in ages {
            let rate = Sampling.gamma(shape: r, rate: alpha, using: &generator)
            let dropout = Sampling.beta(a, b, using: &generator)
            var time = 0.0
            var purchases = 0
            var last = 0.0
            while true {
                time += Sampling.exponential(rate: rate, using: &generator)
                if time > observed { break }
                purchases += 1
                last = time
                if Sampling.uniform(using: &generator) < dropout { break }
            }
            histories.append(PurchaseHistory(frequency: purchases, recency: last, age: observed))
        }
        return histories
    }
}
