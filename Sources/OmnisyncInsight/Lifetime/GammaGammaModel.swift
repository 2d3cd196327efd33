#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005,
/// "RFM and CLV: using iso-value curves for customer base analysis"; Colombo
/// & Jiang 1999): a customer's purchases are worth Gamma(p, ν) each, ν is
/// Gamma(q, γ) across customers, and spend is independent of how often they
/// buy.
///
/// Fitted on the customers with a repeat purchase (their average repeat
/// purchase, mₓ, over x purchases); it then says what a customer's next
/// purchases are worth on average (``expectedAverageValue(_:)``), pulling a
/// customer with few purchases towards the population's mean.
public struct GammaGammaModel: Sendable, Hashable, Codable {
    public var p: Double
    public var q: Double
    /// γ, in the currency's units.
    public var gamma: Double

    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    public struct Fit: Sendable, Hashable {
        public var model: GammaGammaModel
        public var logLikelihood: Double
        /// Customers with a repeat purchase and a positive average: those fitted.
        public var customers: Int
        public var iterations: Int
    }

    /// Fits the model by maximum likelihood (BFGS on the logs of p, q, γ)
    /// on the histories with x > 0 and a positive ``PurchaseHistory/monetary``.
    public static func fit(_ histories: [PurchaseHistory]) throws(InsightError) -> Fit {
        let repeaters = histories.compactMap { history -> (x: Double, m: Double)? in
            guard history.frequency > 0, let m = history.monetary, m > 0, m.isFinite else { return nil }
            return (Double(history.frequency), m)
        }
        guard repeaters.count >= 10 else {
            throw InsightError(.notEnoughData, "the Gamma-Gamma model needs at least 10 customers with a repeat purchase; it has \(repeaters.count)")
        }
        let n = Double(repeaters.count)
        // Terms of the likelihood that do not depend on the parameters' values, summed once.
        let logM = repeaters.map { log($0.m) }
        let logX = repeaters.map { log($0.x) }
        let meanSpend = repeaters.reduce(0) { $0 + $1.m } / n
        func objective(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
            let (p, q, v) = (exp(theta[0]), exp(theta[1]), exp(theta[2]))
            guard [p, q, v].allSatisfy({ $0.isFinite && $0 > 0 }) else { return (.infinity, [0, 0, 0]) }
            let lgQ = SpecialFunctions.logGamma(q)
            let psiQ = SpecialFunctions.digamma(q)
            let logV = log(v)
            var total = 0.0, gp = 0.0, gq = 0.0, gv = 0.0
            for (index, (x, m)) in repeaters.enumerated() {
                let px = p * x
                let logXMV = log(x * m + v)
                total += SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - lgQ + q * logV + (px - 1) * logM[index]
                    + px * logX[index] - (px + q) * logXMV
                let psiPXQ = SpecialFunctions.digamma(px + q)
                gp += x * (psiPXQ - SpecialFunctions.digamma(px) + logM[index] + logX[index] - logXMV)
                gq += psiPXQ - psiQ + logV - logXMV
                gv += q / v - (px + q) / (x * m + v)
            }
            return (-total / n, [-gp * p / n, -gq * q / n, -gv * v / n])
        }
        // p = 1, q = 2 and γ = the mean spend: a start of the data's own scale.
        var best: Minimizer.Result?
        for start: [Double] in [[0, log(2.0), log(meanSpend)], [0, 0, 0]] where objective(start).value.isFinite {
            let result = Minimizer.bfgs(from: start, objective)
            if best == nil || result.value < best!.value { best = result }
        }
        guard let best, best.value.isFinite, best.converged else {
            throw InsightError(.didNotConverge, "the Gamma-Gamma fit did not reach a maximum; spend per purchase may not vary enough to fit")
        }
        let fitted = best.point.map { exp($0) }
        return Fit(
            model: GammaGammaModel(p: fitted[0], q: fitted[1], gamma: fitted[2]), logLikelihood: -best.value * n, customers: repeaters.count,
            iterations: best.iterations
        )
    }

    /// E[M | x, mₓ]: the average value of the customer's coming purchases, a
    /// weighted mean of the population's (γp / (q - 1)) and their own
    /// average, their own weighing more the more they bought. The
    /// population's mean for a customer without repeats. NaN when q ≤ 1
    /// (the population's mean is then infinite).
    public func expectedAverageValue(_ history: PurchaseHistory) -> Double {
        guard q > 1 else { return .nan }
        let population = gamma * p / (q - 1)
        guard history.frequency > 0, let m = history.monetary else { return population }
        let x = Double(history.frequency)
        let weight = p * x / (p * x + q - 1)
        return (1 - weight) * population + weight * m
    }
}
