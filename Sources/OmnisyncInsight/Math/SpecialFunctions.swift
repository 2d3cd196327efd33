#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The special functions the customer-lifetime models need, in log space
/// where their values overflow a `Double`.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (the C library's thread-safe `lgamma_r`).
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) - 1/x
    /// up to x ≥ 10, then the asymptotic series to its B₁₂ term (whose
    /// error is below 1e-16 there).
    public static func digamma(_ x: Double) -> Double {
        precondition(x > 0, "digamma is used on positive arguments only")
        var x = x
        var result = 0.0
        while x < 10 {
            result -= 1 / x
            x += 1
        }
        let inverse = 1 / x
        let square = inverse * inverse
        // ln x - 1/2x - Σ B2k / (2k x^2k)
        let series = square * (1.0 / 12 - square * (1.0 / 120 - square * (1.0 / 252 - square * (1.0 / 240 - square * (1.0 / 132 - square * (691.0 / 32760))))))
        return result + log(x) - 0.5 * inverse - series
    }

    /// ln ₂F₁(a, b; c; z), Gauss's hypergeometric function, for a, b, c > 0
    /// and 0 ≤ z < 1: its power series summed with the running total kept
    /// in scale, so a heavy buyer's terms (a and b in the hundreds) cannot
    /// overflow. Every term is positive, so there is no cancellation; the
    /// sum stops when a term adds less than one part in 10^17.
    public static func logHypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        precondition(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1, "₂F₁ is summed for a, b, c > 0 and 0 ≤ z < 1")
        guard z > 0 else { return 0 }
        var term = 1.0
        var sum = 1.0
        var logScale = 0.0
        var n = 0.0
        // The terms rise while (a+n)(b+n)z > (c+n)(n+1), then fall geometrically (ratio → z).
        while n < 10_000_000 {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
            sum += term
            n += 1
            if sum > 1e280 {
                term /= 1e280
                sum /= 1e280
                logScale += 280 * log(10.0)
            }
            if term <= sum * 1e-17 && (a + n) * (b + n) * z < (c + n) * (n + 1) { break }
        }
        return log(sum) + logScale
    }

    /// ln(e^x + e^y) without overflow.
    public static func logAddExp(_ x: Double, _ y: Double) -> Double {
        let high = max(x, y)
        guard high > -Double.infinity else { return -Double.infinity }
        return high + log1p(exp(min(x, y) - high))
    }
}
