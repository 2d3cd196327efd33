#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws from the distributions the lifetime models assume, for simulated
/// histories (parameter recovery in the tests, data in the benchmark).
public enum Sampling {
    /// Uniform in (0, 1): never 0, so its logarithm is finite.
    public static func uniform(using generator: inout some RandomNumberGenerator) -> Double {
        (Double(generator.next() >> 11) + 0.5) / Double(UInt64(1) << 53)
    }

    /// Standard normal (Box-Muller).
    public static func normal(using generator: inout some RandomNumberGenerator) -> Double {
        sqrt(-2 * log(uniform(using: &generator))) * cos(2 * Double.pi * uniform(using: &generator))
    }

    /// Exponential with the given rate.
    public static func exponential(rate: Double, using generator: inout some RandomNumberGenerator) -> Double {
        -log(uniform(using: &generator)) / rate
    }

    /// Gamma with the given shape and rate (mean shape / rate): Marsaglia &
    /// Tsang (2000), boosted by U^(1/shape) below shape 1.
    public static func gamma(shape: Double, rate: Double, using generator: inout some RandomNumberGenerator) -> Double {
        precondition(shape > 0 && rate > 0)
        if shape < 1 {
            return gamma(shape: shape + 1, rate: rate, using: &generator) * pow(uniform(using: &generator), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / sqrt(9 * d)
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal(using: &generator)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform(using: &generator)
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v / rate }
        }
    }

    /// Beta(a, b) as X / (X + Y) of two gammas.
    public static func beta(_ a: Double, _ b: Double, using generator: inout some RandomNumberGenerator) -> Double {
        let x = gamma(shape: a, rate: 1, using: &generator)
        let y = gamma(shape: b, rate: 1, using: &generator)
        return x / (x + y)
    }
}
