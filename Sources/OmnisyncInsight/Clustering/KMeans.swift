#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OmnisyncCore

/// K-means clustering (Lloyd's algorithm) with k-means++ seeding (Arthur &
/// Vassilvitskii 2007, in the greedy form scikit-learn uses: 2 + ln k
/// candidates per centre, the one that lowers the potential most kept),
/// restarted several times, the lowest inertia kept.
///
/// Deterministic: the seed fixes every draw, so a refit of the same data
/// finds the same clusters (numbered the same way), and a customer's cluster
/// does not change by chance between two refits.
public enum KMeans {
    public struct Result: Sendable, Hashable {
        /// k × features, in the points' space.
        public var centroids: FeatureMatrix
        /// Each point's cluster, 0..<k.
        public var assignments: [Int]
        /// The sum of squared distances from each point to its centroid.
        public var inertia: Double
        /// Lloyd iterations of the kept restart.
        public var iterations: Int

        public var k: Int { centroids.rows }

        /// How many points each cluster holds.
        public var sizes: [Int] {
            var sizes = [Int](repeating: 0, count: k)
            for cluster in assignments { sizes[cluster] += 1 }
            return sizes
        }
    }

    /// Clusters `points` into `k` groups. Stops a restart when the
    /// centroids move less than `tolerance` times the points' mean variance
    /// (scikit-learn's rule) or after `maxIterations`.
    public static func fit(
        _ points: FeatureMatrix, k: Int, restarts: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0
    ) -> Result {
        precondition(k >= 1 && k <= points.rows, "k must be between 1 and the number of points (\(points.rows))")
        var generator = SeededGenerator(seed: seed)
        let threshold = tolerance * meanVariance(points)
        var best: Result?
        for _ in 0..<max(restarts, 1) {
            let seeds = plusPlusSeeds(points, k: k, using: &generator)
            let result = lloyd(points, centroids: seeds, maxIterations: maxIterations, threshold: threshold)
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        return best!
    }

    /// The index of the centroid nearest `point`, and the squared distance to it.
    public static func nearest(_ point: ArraySlice<Double>, in centroids: FeatureMatrix) -> (cluster: Int, distance: Double) {
        var best = (cluster: 0, distance: Double.infinity)
        let d = centroids.columns
        centroids.values.withUnsafeBufferPointer { c in
            for cluster in 0..<centroids.rows {
                var sum = 0.0
                var index = point.startIndex
                for j in 0..<d {
                    let delta = point[index] - c[cluster * d + j]
                    sum += delta * delta
                    index += 1
                }
                if sum < best.distance { best = (cluster, sum) }
            }
        }
        return best
    }

    // MARK: Lloyd's iterations

    static func lloyd(_ points: FeatureMatrix, centroids start: FeatureMatrix, maxIterations: Int, threshold: Double) -> Result {
        let (n, d, k) = (points.rows, points.columns, start.rows)
        var centroids = start
        var assignments = [Int](repeating: 0, count: n)
        var distances = [Double](repeating: 0, count: n)
        var iterations = 0
        while true {
            iterations += 1
            // Assign.
            points.values.withUnsafeBufferPointer { x in
                centroids.values.withUnsafeBufferPointer { c in
                    for i in 0..<n {
                        var bestCluster = 0
                        var bestDistance = Double.infinity
                        for cluster in 0..<k {
                            var sum = 0.0
                            for j in 0..<d {
                                let delta = x[i * d + j] - c[cluster * d + j]
                                sum += delta * delta
                            }
                            if sum < bestDistance {
                                bestDistance = sum
                                bestCluster = cluster
                            }
                        }
                        assignments[i] = bestCluster
                        distances[i] = bestDistance
                    }
                }
            }
            // Update.
            var sums = [Double](repeating: 0, count: k * d)
            var counts = [Int](repeating: 0, count: k)
            points.values.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    let cluster = assignments[i]
                    counts[cluster] += 1
                    for j in 0..<d { sums[cluster * d + j] += x[i * d + j] }
                }
            }
            var moved = centroids
            // An empty cluster takes the point farthest from its centroid (the next farthest for the next one).
            var farthest = counts.contains(0) ? distances.indices.sorted { distances[$0] > distances[$1] }[...] : []
            for cluster in 0..<k {
                if counts[cluster] > 0 {
                    for j in 0..<d { moved.values[cluster * d + j] = sums[cluster * d + j] / Double(counts[cluster]) }
                } else if let point = farthest.popFirst() {
                    for j in 0..<d { moved.values[cluster * d + j] = points.values[point * d + j] }
                }
            }
            var shift = 0.0
            for index in 0..<(k * d) {
                let delta = moved.values[index] - centroids.values[index]
                shift += delta * delta
            }
            centroids = moved
            if shift <= threshold || iterations >= maxIterations { break }
        }
        // The inertia of the final centroids (one more assignment pass).
        var inertia = 0.0
        for i in 0..<n {
            let (cluster, distance) = nearest(points.row(i), in: centroids)
            assignments[i] = cluster
            inertia += distance
        }
        return Result(centroids: centroids, assignments: assignments, inertia: inertia, iterations: iterations)
    }

    // MARK: Seeding

    /// Greedy k-means++: the first centre uniformly, each next one among
    /// 2 + ⌊ln k⌋ candidates drawn proportionally to their squared distance
    /// to the nearest centre so far, keeping the candidate that lowers the
    /// total most.
    static func plusPlusSeeds(_ points: FeatureMatrix, k: Int, using generator: inout SeededGenerator) -> FeatureMatrix {
        let (n, d) = (points.rows, points.columns)
        let trials = 2 + Int(log(Double(k)))
        var centres: [Int] = [Int.random(in: 0..<n, using: &generator)]
        var closest = (0..<n).map { squaredDistance(points, $0, centres[0]) }
        var potential = closest.reduce(0, +)
        while centres.count < k {
            var bestCandidate = -1
            var bestPotential = Double.infinity
            var bestClosest: [Double] = []
            for _ in 0..<trials {
                let candidate = draw(proportionalTo: closest, total: potential, using: &generator)
                var updated = closest
                var total = 0.0
                for i in 0..<n {
                    updated[i] = min(updated[i], squaredDistance(points, i, candidate))
                    total += updated[i]
                }
                if total < bestPotential {
                    bestPotential = total
                    bestCandidate = candidate
                    bestClosest = updated
                }
            }
            centres.append(bestCandidate)
            closest = bestClosest
            potential = bestPotential
        }
        var values: [Double] = []
        values.reserveCapacity(k * d)
        for centre in centres { values += points.row(centre) }
        return FeatureMatrix(rows: k, columns: d, values: values)
    }

    /// An index drawn with probability weight / total (uniform when every weight is 0).
    private static func draw(proportionalTo weights: [Double], total: Double, using generator: inout SeededGenerator) -> Int {
        guard total > 0 else { return Int.random(in: 0..<weights.count, using: &generator) }
        var target = Double.random(in: 0..<total, using: &generator)
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.lastIndex { $0 > 0 } ?? weights.count - 1
    }

    static func squaredDistance(_ points: FeatureMatrix, _ i: Int, _ j: Int) -> Double {
        let d = points.columns
        var sum = 0.0
        for column in 0..<d {
            let delta = points.values[i * d + column] - points.values[j * d + column]
            sum += delta * delta
        }
        return sum
    }

    private static func meanVariance(_ points: FeatureMatrix) -> Double {
        let scaling = Standardisation(fittedTo: points)
        return scaling.deviations.reduce(0) { $0 + $1 * $1 } / Double(points.columns)
    }
}
