#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Unconstrained minimisation of a smooth function whose gradient is known:
/// BFGS (Nocedal & Wright, "Numerical Optimization", algorithm 6.1) with a
/// backtracking line search under the Armijo condition.
///
/// The models minimise their mean negative log-likelihood over the logs of
/// their parameters, so every point is feasible; a step that lands where
/// the function is not finite (an overflow far from the optimum) is halved
/// like one that does not descend. Restarting from the steepest descent
/// when the curvature condition fails keeps the inverse Hessian positive
/// definite, which is what makes it robust on flat likelihoods.
public enum Minimizer {
    public struct Result: Sendable, Hashable {
        public var point: [Double]
        public var value: Double
        public var iterations: Int
        /// True when the gradient fell below the tolerance; false when the
        /// iterations ran out or no step could descend any more (the point is
        /// then the best one found).
        public var converged: Bool
    }

    /// Minimises `objective` (returning the value and its gradient) from `start`.
    public static func bfgs(
        from start: [Double], gradientTolerance: Double = 1e-9, maxIterations: Int = 1_000,
        _ objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> Result {
        let n = start.count
        var x = start
        var (value, gradient) = objective(x)
        precondition(value.isFinite, "the starting point must have a finite value")
        var inverse = identity(n)
        var iterations = 0
        // Iterations in a row that improved the value by less than one part in 10^12.
        var stalled = 0
        while iterations < maxIterations {
            iterations += 1
            if norm(gradient) <= gradientTolerance * max(1, abs(value)) {
                return Result(point: x, value: value, iterations: iterations, converged: true)
            }
            var direction = multiply(inverse, gradient).map { -$0 }
            var slope = dot(direction, gradient)
            if slope >= 0 {
                // Not a descent direction: start again from the steepest descent.
                inverse = identity(n)
                direction = gradient.map { -$0 }
                slope = dot(direction, gradient)
            }
            var step = 1.0
            var accepted: (point: [Double], value: Double, gradient: [Double])?
            for _ in 0..<60 {
                let candidate = zip(x, direction).map { $0 + step * $1 }
                let (candidateValue, candidateGradient) = objective(candidate)
                if candidateValue.isFinite, candidateGradient.allSatisfy(\.isFinite), candidateValue <= value + 1e-4 * step * slope {
                    accepted = (candidate, candidateValue, candidateGradient)
                    break
                }
                step /= 2
            }
            guard let accepted else {
                // No step descends: as close as double precision lets us get.
                return Result(point: x, value: value, iterations: iterations, converged: norm(gradient) <= 1e-5 * max(1, abs(value)))
            }
            let s = zip(accepted.point, x).map { $0 - $1 }
            let y = zip(accepted.gradient, gradient).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-12 * norm(s) * norm(y) {
                inverse = update(inverse, s: s, y: y, sy: sy)
            } else {
                inverse = identity(n)
            }
            let change = value - accepted.value
            (x, value, gradient) = accepted
            if change >= 0, change <= 1e-15 * max(1, abs(value)), norm(gradient) <= 1e-6 * max(1, abs(value)) {
                return Result(point: x, value: value, iterations: iterations, converged: true)
            }
            // A likelihood whose supremum lies at infinity (data with no dropout at all sends a model's
            // parameter there) keeps creeping with no gradient to speak of: when twenty steps in a row gain
            // nothing measurable, the point is as good as the data allows.
            stalled = change <= 1e-12 * max(1, abs(value)) ? stalled + 1 : 0
            if stalled >= 20 {
                return Result(point: x, value: value, iterations: iterations, converged: true)
            }
        }
        return Result(point: x, value: value, iterations: iterations, converged: norm(gradient) <= gradientTolerance * max(1, abs(value)))
    }

    /// H' = (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, with ρ = 1 / sᵀy.
    private static func update(_ h: [[Double]], s: [Double], y: [Double], sy: Double) -> [[Double]] {
        let n = s.count
        let rho = 1 / sy
        let hy = multiply(h, y)
        let yhy = dot(y, hy)
        var result = h
        for i in 0..<n {
            for j in 0..<n {
                result[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
            }
        }
        return result
    }

    private static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
    }

    private static func multiply(_ m: [[Double]], _ v: [Double]) -> [Double] {
        m.map { dot($0, v) }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    private static func norm(_ v: [Double]) -> Double {
        v.reduce(0) { max($0, abs($1)) }
    }
}
