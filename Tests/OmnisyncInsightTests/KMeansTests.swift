import Foundation
import OmnisyncCore
import OmnisyncInsight
import OmnisyncTestSupport
import Testing

/// K-means on cases checked by hand, the silhouette's choice of k, and the
/// inertia against scikit-learn's `KMeans` on the same data.
@Suite struct KMeansTests {
    @Test func twoObviousPairsAreFoundWithTheirMeansAndInertia() {
        let points = FeatureMatrix([[0, 0], [0, 1], [10, 10], [10, 11]])
        let result = KMeans.fit(points, k: 2, seed: 7)
        let centroids = Set((0..<2).map { Array(result.centroids.row($0)) })
        #expect(centroids == [[0, 0.5], [10, 10.5]])
        // Each point is 0.5 from its centroid: 4 × 0.25.
        #expect(result.inertia == 1)
        #expect(result.assignments[0] == result.assignments[1] && result.assignments[2] == result.assignments[3])
        #expect(result.assignments[0] != result.assignments[2])
        #expect(result.sizes == [2, 2])
    }

    @Test func oneClusterIsTheMeanAndTheTotalSumOfSquares() {
        let points = FeatureMatrix([[1, 2], [3, 4], [5, 0]])
        let result = KMeans.fit(points, k: 1)
        #expect(Array(result.centroids.row(0)) == [3, 2])
        // (4 + 0) + (0 + 4) + (4 + 4)
        #expect(result.inertia == 16)
    }

    @Test func asManyClustersAsDistinctPointsLeavesNoInertia() {
        let points = FeatureMatrix([[1], [1], [4], [9], [9], [9]])
        let result = KMeans.fit(points, k: 3, seed: 3)
        #expect(result.inertia == 0)
        #expect(Set(result.centroids.values) == [1, 4, 9])
    }

    @Test func theSameSeedFindsTheSameClusters() {
        var generator = TestSeed.generator("k-means determinism")
        let points = FeatureMatrix((0..<500).map { _ in [Sampling.normal(using: &generator), Sampling.normal(using: &generator) * 3] })
        #expect(KMeans.fit(points, k: 4, seed: 11) == KMeans.fit(points, k: 4, seed: 11))
    }

    @Test func standardisationCentresAndScalesEachColumnAndInverts() {
        let points = FeatureMatrix([[1, 100, 5], [3, 300, 5], [5, 500, 5]])
        let (matrix, scaling) = points.standardised()
        #expect(scaling.means == [3, 300, 5])
        let expected = (8.0 / 3).squareRoot()
        #expect(abs(scaling.deviations[0] - expected) < 1e-12 && abs(scaling.deviations[1] - 100 * expected) < 1e-9 && scaling.deviations[2] == 0)
        #expect(Array(matrix.row(1)) == [0, 0, 0])
        let back = scaling.invert(Array(matrix.row(2)))
        #expect(zip(back, [5.0, 500, 5]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    /// Gaussian blobs around `centres`, `count` points each, spread `sigma`.
    static func blobs(_ centres: [[Double]], count: Int, sigma: Double, using generator: inout SeededGenerator) -> FeatureMatrix {
        var points: [[Double]] = []
        for centre in centres {
            for _ in 0..<count { points.append(centre.map { $0 + sigma * Sampling.normal(using: &generator) }) }
        }
        return FeatureMatrix(points.shuffled(using: &generator))
    }

    @Test func theSilhouetteChoosesTheNumberOfBlobs() {
        var generator = TestSeed.generator("silhouette")
        let points = Self.blobs([[0, 0], [8, 0], [0, 8], [8, 8]], count: 150, sigma: 1, using: &generator)
        let (best, scores) = Silhouette.chooseK(points, candidates: 2...7, restarts: 4, seed: 1)
        #expect(best.k == 4, "silhouettes: \(scores.sorted { $0.key < $1.key })")
        #expect((scores[4] ?? 0) > 0.6)
        // Two points far apart in one cluster and one alone: the lone point scores 0, the pair near 1.
        let line = FeatureMatrix([[0], [0.1], [100]])
        let pair = Silhouette.score(line, assignments: [0, 0, 1], k: 2)
        #expect(abs(pair - (2 * (1 - 0.1 / 99.95)) / 3) < 1e-9)
    }

    @Test func theInertiaIsWithinOnePercentOfScikitLearns() async throws {
        var generator = TestSeed.generator("k-means against scikit-learn")
        // Clean blobs, and skewed behaviour-like data (recency, frequency, spend, basket) with no clear clusters.
        let clean = Self.blobs((0..<6).map { _ in (0..<4).map { _ in 10 * Sampling.uniform(using: &generator) } }, count: 300, sigma: 1.5, using: &generator)
        let skewed = FeatureMatrix((0..<3_000).map { _ in
            [
                Sampling.exponential(rate: 1 / 90, using: &generator), Double(1 + Int(Sampling.exponential(rate: 0.4, using: &generator))),
                Sampling.gamma(shape: 2, rate: 0.04, using: &generator), Sampling.gamma(shape: 3, rate: 1.5, using: &generator),
            ]
        }).standardised().matrix
        let directory = try TemporaryDirectory("kmeans-reference")
        defer { directory.remove() }
        for (name, points, k) in [("clean", clean, 6), ("skewed", skewed, 5)] {
            let path = directory.appending("\(name).csv")
            let lines = (0..<points.rows).map { points.row($0).map { String($0) }.joined(separator: ",") }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            struct Answer: Decodable { var inertia: Double }
            let theirs = try await PythonReference.run(["kmeans", path, String(k)], as: Answer.self).inertia
            let ours = KMeans.fit(points, k: k, restarts: 10, seed: 5).inertia
            #expect(abs(ours - theirs) <= 0.01 * theirs, "\(name): ours \(ours), scikit-learn's \(theirs)")
        }
    }
}
