import Foundation
import OmnisyncCore
import OmnisyncInsight
import OmnisyncTestSupport
import Testing

/// BG/NBD and Gamma-Gamma against the published CDNOW results and the
/// `lifetimes` package (run by `scripts/python-reference`), and against
/// histories simulated from known parameters.
@Suite struct LifetimeModelTests {
    /// What `reference.py cdnow` prints.
    struct CDNOW: Decodable, Sendable {
        /// ID, x, tₓ, T (weeks), mₓ (dollars).
        var customers: [[Double]]
        var bgnbd: [String: Double]
        var gammaGamma: [String: Double]
        var pAlive: [Double]
        var expectedPurchases: [String: [Double]]
        var expectedAverageValue: [Double]

        var histories: [PurchaseHistory] {
            customers.map { PurchaseHistory(frequency: Int($0[1]), recency: $0[2], age: $0[3], monetary: $0[1] > 0 ? $0[4] : nil) }
        }
    }

    /// Read once for the suite: the first run installs `lifetimes` (about 20 s).
    static let cdnow = Task { try await PythonReference.run(["cdnow"], as: CDNOW.self) }

    func within(_ value: Double, _ expected: Double, relative tolerance: Double) -> Bool {
        abs(value - expected) <= tolerance * abs(expected)
    }

    @Test func theBGNBDFitOnCDNOWIsThePapers() async throws {
        let reference = try await Self.cdnow.value
        #expect(reference.customers.count == 2357)
        let fit = try BGNBDModel.fit(reference.histories)
        let model = fit.model
        // Fader, Hardie & Lee (2005), table 1: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
        #expect(within(model.r, 0.243, relative: 0.01), "r = \(model.r)")
        #expect(within(model.alpha, 4.414, relative: 0.01), "α = \(model.alpha)")
        #expect(within(model.a, 0.793, relative: 0.01), "a = \(model.a)")
        #expect(within(model.b, 2.426, relative: 0.01), "b = \(model.b)")
        #expect(abs(fit.logLikelihood - -9582.4) < 0.1, "LL = \(fit.logLikelihood)")
        // And the same maximum as lifetimes' optimiser found.
        let theirs = reference.bgnbd
        for (mine, name) in [(model.r, "r"), (model.alpha, "alpha"), (model.a, "a"), (model.b, "b")] {
            #expect(within(mine, try #require(theirs[name]), relative: 1e-3), "\(name): \(mine) against lifetimes' \(theirs[name] ?? .nan)")
        }
    }

    @Test func perCustomerPredictionsAreLifetimesOwn() async throws {
        let reference = try await Self.cdnow.value
        let theirs = reference.bgnbd
        let model = BGNBDModel(r: try #require(theirs["r"]), alpha: try #require(theirs["alpha"]), a: try #require(theirs["a"]), b: try #require(theirs["b"]))
        let histories = reference.histories
        var worst = 0.0
        for (index, history) in histories.enumerated() {
            worst = max(worst, abs(model.probabilityAlive(history) - reference.pAlive[index]))
            for (period, values) in reference.expectedPurchases {
                worst = max(worst, abs(model.expectedPurchases(in: try #require(Double(period)), given: history) - values[index]))
            }
        }
        #expect(worst < 1e-4, "largest difference from lifetimes: \(worst)")
        #expect(reference.expectedPurchases.count == 4 && reference.pAlive.count == histories.count)
    }

    @Test func theGammaGammaFitOnCDNOWIsThePapers() async throws {
        let reference = try await Self.cdnow.value
        let fit = try GammaGammaModel.fit(reference.histories)
        #expect(fit.customers == 946, "the customers with a repeat purchase")
        // Fader, Hardie & Lee (2005), "RFM and CLV": p = 6.25, q = 3.74, γ = 15.44.
        #expect(within(fit.model.p, 6.25, relative: 0.01), "p = \(fit.model.p)")
        #expect(within(fit.model.q, 3.74, relative: 0.01), "q = \(fit.model.q)")
        #expect(within(fit.model.gamma, 15.44, relative: 0.01), "γ = \(fit.model.gamma)")
        let theirs = reference.gammaGamma
        let model = GammaGammaModel(p: try #require(theirs["p"]), q: try #require(theirs["q"]), gamma: try #require(theirs["v"]))
        #expect(within(fit.model.p, model.p, relative: 1e-3) && within(fit.model.q, model.q, relative: 1e-3) && within(fit.model.gamma, model.gamma, relative: 1e-3))
        var worst = 0.0
        for (index, history) in reference.histories.enumerated() {
            worst = max(worst, abs(model.expectedAverageValue(history) - reference.expectedAverageValue[index]))
        }
        #expect(worst < 1e-4, "largest difference from lifetimes: \(worst)")
    }

    @Test func theBGNBDFitRecoversTheParametersHistoriesWereDrawnFrom() throws {
        var generator = TestSeed.generator("BG/NBD recovery")
        let truth = BGNBDModel(r: 0.6, alpha: 12, a: 0.9, b: 3.2)
        // 40,000 customers first seen up to a year before the end of observation (days).
        let ages = (0..<40_000).map { _ in 30 + 335 * Sampling.uniform(using: &generator) }
        let histories = truth.simulate(ages: ages, using: &generator)
        let fitted = try BGNBDModel.fit(histories).model
        // The sampling error at this size: about 1 % on r, 2 % on α, 4 % on a and b (over many seeds); the bounds are wider.
        #expect(within(fitted.r, truth.r, relative: 0.05), "r = \(fitted.r)")
        #expect(within(fitted.alpha, truth.alpha, relative: 0.08), "α = \(fitted.alpha)")
        #expect(within(fitted.a, truth.a, relative: 0.1), "a = \(fitted.a)")
        #expect(within(fitted.b, truth.b, relative: 0.12), "b = \(fitted.b)")
        // What the model is for: the expected purchases of the population, against the truth's.
        let horizon = 90.0
        let expected = histories.reduce(0) { $0 + fitted.expectedPurchases(in: horizon, given: $1) }
        let truthExpected = histories.reduce(0) { $0 + truth.expectedPurchases(in: horizon, given: $1) }
        #expect(within(expected, truthExpected, relative: 0.02), "\(expected) against \(truthExpected)")
    }

    @Test func theGammaGammaFitRecoversTheParametersSpendWasDrawnFrom() throws {
        var generator = TestSeed.generator("Gamma-Gamma recovery")
        let truth = GammaGammaModel(p: 6, q: 4, gamma: 15)
        var histories: [PurchaseHistory] = []
        for _ in 0..<60_000 {
            let x = 1 + Int(Sampling.exponential(rate: 0.3, using: &generator))
            let nu = Sampling.gamma(shape: truth.q, rate: truth.gamma, using: &generator)
            let spend = (0..<x).reduce(0.0) { total, _ in total + Sampling.gamma(shape: truth.p, rate: nu, using: &generator) }
            histories.append(PurchaseHistory(frequency: x, recency: 1, age: 2, monetary: spend / Double(x)))
        }
        let fitted = try GammaGammaModel.fit(histories).model
        // p and γ move together along a ridge of the likelihood: about 3 % each at this size.
        #expect(within(fitted.p, truth.p, relative: 0.12), "p = \(fitted.p)")
        #expect(within(fitted.q, truth.q, relative: 0.08), "q = \(fitted.q)")
        #expect(within(fitted.gamma, truth.gamma, relative: 0.12), "γ = \(fitted.gamma)")
    }

    @Test func historiesWhereNobodyLeavesStillFitAndSayEveryoneIsAlive() throws {
        // Everyone buys every 10 to 30 days right up to the end: the dropout's maximum-likelihood estimate is 0,
        // at the edge of the parameter space, which the fit approaches rather than reaches.
        var generator = TestSeed.generator("no dropout")
        let histories = (0..<2_000).map { _ -> PurchaseHistory in
            let gap = Double(Int.random(in: 10...30, using: &generator))
            let age = Double(Int.random(in: 60...400, using: &generator))
            let purchases = Int(age / gap)
            return PurchaseHistory(frequency: purchases, recency: Double(purchases) * gap, age: age)
        }
        let model = try BGNBDModel.fit(histories).model
        #expect(histories.allSatisfy { model.probabilityAlive($0) > 0.9 }, "\(model)")
        #expect(histories.allSatisfy { model.expectedPurchases(in: 90, given: $0).isFinite })
    }

    @Test func fitsRefuseDataTheyCannotReadWithAReason() {
        let once = (0..<50).map { _ in PurchaseHistory(frequency: 0, recency: 0, age: 30) }
        #expect(throws: InsightError.self) { try BGNBDModel.fit(once) }
        #expect(throws: InsightError.self) { try GammaGammaModel.fit(once) }
        do {
            _ = try BGNBDModel.fit(Array(once.prefix(3)))
        } catch {
            #expect(error.code == .notEnoughData && error.message.contains("at least 10 customers"))
        }
    }
}
