import Foundation
import OmnisyncInsight
import Testing

/// BFGS on functions whose minimum is known.
@Suite struct MinimizerTests {
    @Test func findsTheMinimumOfRosenbrocksValley() {
        // f(x, y) = (1 - x)² + 100 (y - x²)², minimum 0 at (1, 1): the classic hard case for line searches.
        let result = Minimizer.bfgs(from: [-1.2, 1]) { p in
            let (x, y) = (p[0], p[1])
            let value = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
            return (value, [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        }
        #expect(result.converged)
        #expect(abs(result.point[0] - 1) < 1e-6 && abs(result.point[1] - 1) < 1e-6, "\(result.point)")
    }

    @Test func stepsBackFromWhereTheFunctionIsNotFinite() {
        // Defined only for x < 2; the first step from 0 along -f' would land at 4.
        let result = Minimizer.bfgs(from: [0]) { p in
            let x = p[0]
            guard x < 2 else { return (.infinity, [0]) }
            return ((x - 1.5) * (x - 1.5) - log(2 - x), [2 * (x - 1.5) + 1 / (2 - x)])
        }
        #expect(result.converged)
        // 2(x - 1.5) + 1/(2 - x) = 0 → 2x² - 7x + 5 = 0 → x = 1 (the other root, 2.5, is outside)
        #expect(abs(result.point[0] - 1) < 1e-7, "\(result.point)")
    }
}
