public import Foundation
public import OmnisyncCore
public import OmnisyncInsight

/// The pure part of the hub's predictive insight (docs/insight.md): fits the
/// models on every customer's ``CustomerFacts`` and computes one customer's
/// ``CustomerInsight`` from them. Backends read the facts and write the
/// results; nothing here does I/O.
public enum InsightEngine {
    /// Clusters tried when the operator has not set k.
    public static let clusterCandidates = 2...8
    /// Customers the silhouette is computed on, and k chosen on: a sample
    /// (the pairwise distances grow with its square); the chosen k is then
    /// fitted on every customer.
    public static let clusterSample = 20_000
    /// The horizon of ``CustomerInsight/expectedPurchases90d`` and of
    /// ``CustomerInsight/value12m``, in days.
    public static let purchasesHorizonDays = 90.0
    public static let valueHorizonDays = 365.0

    /// Fits every model on `table` at `now`; `clusters` fixes k (nil: chosen
    /// by silhouette). A model the data cannot support is left out with the
    /// reason in ``InsightModels/notes``, the others still fitted.
    public static func fit(_ table: CustomerFactsTable, at now: Date, clusters: Int? = nil) -> InsightModels {
        let today = day(of: now)
        let buyers = table.customers.filter { $0.purchaseDays > 0 }
        var notes: [String] = []
        var seconds: [String: Double] = [:]
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = ContinuousClock.now
            defer { seconds[name] = (ContinuousClock.now - start).seconds }
            return try body()
        }
        let histories = buyers.map { $0.history(today: today) }
        var bgnbd: BGNBDModel.Fit?
        do {
            bgnbd = try timed("bgnbd") { try BGNBDModel.fit(histories) }
        } catch {
            notes.append("BG/NBD not fitted: \(error)")
        }
        var gammaGamma: GammaGammaModel?
        do {
            gammaGamma = try timed("gammaGamma") { try GammaGammaModel.fit(histories).model }
        } catch {
            notes.append("Gamma-Gamma not fitted: \(error)")
        }
        let clusterModel = timed("kmeans") { fitClusters(buyers, today: today, currency: table.currency, k: clusters, notes: &notes) }
        let recommender = timed("recommendations") { fitRecommender(table) }
        return InsightModels(
            fittedAt: Date(millis: now.millis) ?? now, currency: table.currency, customers: buyers.count, bgnbd: bgnbd?.model,
            bgnbdLogLikelihood: bgnbd?.logLikelihood, gammaGamma: gammaGamma, clusters: clusterModel, recommender: StoredRecommender(recommender),
            notes: notes, seconds: seconds
        )
    }

    static func fitClusters(_ buyers: [CustomerFacts], today: Int32, currency: Currency?, k fixed: Int?, notes: inout [String]) -> ClusterModel? {
        let features = InsightFeatures.features(for: buyers)
        guard buyers.count >= max(fixed ?? clusterCandidates.lowerBound, 2) * 5 else {
            notes.append("clusters not found: \(buyers.count) customers with a purchase is too few")
            return nil
        }
        let raw = InsightFeatures.matrix(buyers, features: features, today: today, minorUnitsPerUnit: Double(currency?.minorUnitsPerUnit ?? 100))
        let (points, scaling) = raw.standardised()
        var silhouettes: [Int: Double] = [:]
        let k: Int
        if let fixed {
            k = fixed
        } else {
            (k, silhouettes) = clusterCount(points)
        }
        let result = clusters(points, k: k)
        return ClusterModel(
            features: features, scaling: scaling, centroids: (0..<result.k).map { Array(result.centroids.row($0)) }, sizes: result.sizes,
            inertia: result.inertia, silhouettes: silhouettes, chosenByOperator: fixed != nil
        )
    }

    /// The number of clusters for `points` (standardised): the best mean
    /// silhouette over ``clusterCandidates``, on a sample of
    /// ``clusterSample`` with fewer restarts (the pairwise silhouette cannot
    /// run on a million customers); and each candidate's silhouette.
    public static func clusterCount(_ points: FeatureMatrix) -> (k: Int, silhouettes: [Int: Double]) {
        var generator = SeededGenerator(seed: 0x5EED)
        let rows = points.rows <= clusterSample ? Array(0..<points.rows) : Array((0..<points.rows).shuffled(using: &generator).prefix(clusterSample))
        var values: [Double] = []
        values.reserveCapacity(rows.count * points.columns)
        for row in rows { values += points.row(row) }
        let sample = FeatureMatrix(rows: rows.count, columns: points.columns, values: values)
        let upper = min(clusterCandidates.upperBound, max(clusterCandidates.lowerBound, sample.rows / 5))
        let choice = Silhouette.chooseK(sample, candidates: clusterCandidates.lowerBound...upper, restarts: 4, seed: 1)
        return (choice.best.k, choice.scores)
    }

    /// K-means with `k` clusters on every customer.
    public static func clusters(_ points: FeatureMatrix, k: Int) -> KMeans.Result {
        KMeans.fit(points, k: k, restarts: restarts(customers: points.rows), seed: 2)
    }

    /// K-means restarts for `customers`: fewer when they are many.
    public static func restarts(customers: Int) -> Int {
        customers > 100_000 ? 3 : 10
    }

    static func fitRecommender(_ table: CustomerFactsTable) -> Recommender {
        var counts = CoPurchaseCounts()
        // The table's numbering, kept: customers' SKU numbers index straight into it.
        for sku in table.skus { _ = counts.number(of: sku) }
        var storeBuyers: [String: [Int32: Int]] = [:]
        for facts in table.customers where !facts.skus.isEmpty {
            counts.record(had: [], bought: Set(facts.skus))
            if let store = facts.preferredStore {
                for sku in facts.skus { storeBuyers[store, default: [:]][sku, default: 0] += 1 }
            }
        }
        return Recommender(counts: counts, storeBuyers: storeBuyers, neighbourLimit: 30, popularLimit: 30)
    }

    /// One customer's insight under `models` at `now`, `skuNames` being the
    /// numbering of `facts.skus`. `stock`, when their preferred store has a
    /// stock list, is what their recommendations keep to (the list's SKUs in
    /// the recommender's numbering).
    public static func insight(
        for facts: CustomerFacts, skuNames: [String], models: InsightModels, recommender: Recommender, recommenderNumbers: [String: Int32],
        stock: Set<Int32>? = nil, at now: Date
    ) -> CustomerInsight {
        let today = day(of: now)
        var pAlive: Double?
        var expected: Double?
        var value: Money?
        if facts.purchaseDays > 0, let bgnbd = models.bgnbd {
            let history = facts.history(today: today)
            pAlive = bgnbd.probabilityAlive(history)
            expected = finite(bgnbd.expectedPurchases(in: purchasesHorizonDays, given: history))
            if let gammaGamma = models.gammaGamma, let currency = models.currency,
                let purchases = finite(bgnbd.expectedPurchases(in: valueHorizonDays, given: history)),
                let perPurchase = finite(gammaGamma.expectedAverageValue(history)),
                let amount = Int64(exactly: (purchases * perPurchase).rounded())
            {
                value = Money(amount: amount, currency: currency)
            }
        }
        let cluster = facts.purchaseDays > 0
            ? models.clusters.map {
                $0.cluster(of: InsightFeatures.values(
                    facts, features: $0.features, today: today, minorUnitsPerUnit: Double(models.currency?.minorUnitsPerUnit ?? 100)
                ))
            } : nil
        // The customer's SKUs in the recommender's numbering (a SKU first sold after the refit has none).
        let bought = Set(facts.skus.compactMap { recommenderNumbers[skuNames[Int($0)]] })
        let allowed: ((Int32) -> Bool)? = stock.map { stocked in { stocked.contains($0) } }
        let recommended = recommender.names(recommender.recommend(bought: bought, store: facts.preferredStore, limit: 10, allowed: allowed))
        // What they bought since the refit is not recommended either.
        let boughtNames = Set(facts.skus.map { skuNames[Int($0)] })
        return CustomerInsight(
            pAlive: pAlive, expectedPurchases90d: expected, value12m: value, cluster: cluster,
            recommendations: recommended.filter { !boughtNames.contains($0) }, modelFittedAt: models.fittedAt
        ).rounded()
    }

    /// The whole UTC day `date` falls in, counted from 1970.
    public static func day(of date: Date) -> Int32 {
        Int32(truncatingIfNeeded: Int64((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    private static func finite(_ value: Double) -> Double? {
        value.isFinite ? value : nil
    }
}
