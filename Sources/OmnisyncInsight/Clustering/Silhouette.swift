import OmnisyncCore

/// The silhouette coefficient (Rousseeuw 1987): for each point, how much
/// closer it is to its own cluster than to the next one, from -1 to 1; the
/// mean over points says how well `k` clusters fit the data, so it can
/// choose k.
public enum Silhouette {
    /// The mean silhouette of `assignments` over `sample` points drawn
    /// without replacement (all of them when there are fewer): the pairwise
    /// distances cost sample² operations, so a million customers are scored
    /// on a sample, as scikit-learn's `silhouette_score(sample_size:)` does.
    /// A point alone in its cluster scores 0.
    public static func score(_ points: FeatureMatrix, assignments: [Int], k: Int, sample: Int = 2_000, seed: UInt64 = 0) -> Double {
        precondition(assignments.count == points.rows)
        var generator = SeededGenerator(seed: seed)
        let chosen = points.rows <= sample ? Array(0..<points.rows) : Array((0..<points.rows).shuffled(using: &generator).prefix(sample))
        let m = chosen.count
        guard m > 1, k > 1 else { return 0 }
        var members = [Int](repeating: 0, count: k)
        for index in chosen { members[assignments[index]] += 1 }
        var total = 0.0
        var sums = [Double](repeating: 0, count: k)
        for i in chosen {
            for cluster in 0..<k { sums[cluster] = 0 }
            for j in chosen where j != i {
                sums[assignments[j]] += KMeans.squaredDistance(points, i, j).squareRoot()
            }
            let own = assignments[i]
            guard members[own] > 1 else { continue }
            let a = sums[own] / Double(members[own] - 1)
            var b = Double.infinity
            for cluster in 0..<k where cluster != own && members[cluster] > 0 {
                b = min(b, sums[cluster] / Double(members[cluster]))
            }
            guard b.isFinite else { continue }
            let larger = max(a, b)
            total += larger > 0 ? (b - a) / larger : 0
        }
        return total / Double(m)
    }

    /// K-means for each k in `candidates`, and the k whose clustering has
    /// the highest silhouette (the smaller k on a tie).
    public static func chooseK(
        _ points: FeatureMatrix, candidates: ClosedRange<Int>, restarts: Int = 10, sample: Int = 2_000, seed: UInt64 = 0
    ) -> (best: KMeans.Result, scores: [Int: Double]) {
        var best: (KMeans.Result, Double)?
        var scores: [Int: Double] = [:]
        for k in candidates where k <= points.rows {
            let result = KMeans.fit(points, k: k, restarts: restarts, seed: seed)
            let score = Self.score(points, assignments: result.assignments, k: k, sample: sample, seed: seed)
            scores[k] = score
            if best == nil || score > best!.1 { best = (result, score) }
        }
        precondition(best != nil, "at least one candidate k must be at most the number of points")
        return (best!.0, scores)
    }
}
