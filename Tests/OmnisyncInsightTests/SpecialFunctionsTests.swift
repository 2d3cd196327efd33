import Foundation
import OmnisyncInsight
import Testing

/// The special functions against closed forms.
@Suite struct SpecialFunctionsTests {
    let eulerGamma = 0.577_215_664_901_532_9

    @Test func digammaMatchesKnownValues() {
        #expect(abs(SpecialFunctions.digamma(1) + eulerGamma) < 1e-14)
        #expect(abs(SpecialFunctions.digamma(0.5) - (-eulerGamma - 2 * log(2.0))) < 1e-14)
        // ψ(n) = H(n-1) - γ.
        let harmonic = (1..<20).reduce(0.0) { $0 + 1 / Double($1) }
        #expect(abs(SpecialFunctions.digamma(20) - (harmonic - eulerGamma)) < 1e-13)
        // The recurrence ψ(x + 1) = ψ(x) + 1/x across the switch to the series.
        for x in [0.01, 0.3, 2.5, 9.9, 10.1, 40] {
            #expect(abs(SpecialFunctions.digamma(x + 1) - SpecialFunctions.digamma(x) - 1 / x) < 1e-12, "\(x)")
        }
    }

    @Test func digammaIsTheDerivativeOfLogGamma() {
        for x in [0.2, 1.7, 9.5, 150] {
            let h = 1e-5 * x
            let numeric = (SpecialFunctions.logGamma(x + h) - SpecialFunctions.logGamma(x - h)) / (2 * h)
            #expect(abs(numeric - SpecialFunctions.digamma(x)) < 1e-7, "\(x)")
        }
    }

    @Test func hypergeometricMatchesClosedForms() {
        for z in [0.0, 0.1, 0.5, 0.9, 0.99] {
            // ₂F₁(1, 1; 2; z) = -ln(1 - z) / z
            let expected = z == 0 ? 1 : -log(1 - z) / z
            #expect(abs(SpecialFunctions.logHypergeometric2F1(1, 1, 2, z) - log(expected)) < 1e-12, "\(z)")
            // ₂F₁(a, b; b; z) = (1 - z)^-a
            #expect(abs(SpecialFunctions.logHypergeometric2F1(2.5, 3.7, 3.7, z) - (-2.5 * log(1 - z))) < 1e-11, "\(z)")
        }
    }

    @Test func hypergeometricStaysFiniteWhereItsValueOverflowsADouble() {
        // (1 - 0.5)^-2000 = 2^2000, far beyond Double's range; its logarithm is not.
        let value = SpecialFunctions.logHypergeometric2F1(2000, 7, 7, 0.5)
        #expect(abs(value - 2000 * log(2.0)) < 1e-9 * 2000)
    }

    @Test func logAddExpIsExactAndNeverOverflows() {
        #expect(abs(SpecialFunctions.logAddExp(log(2), log(3)) - log(5)) < 1e-15)
        #expect(SpecialFunctions.logAddExp(1000, 1000) == 1000 + log(2))
        #expect(SpecialFunctions.logAddExp(-.infinity, 3) == 3)
    }
}
