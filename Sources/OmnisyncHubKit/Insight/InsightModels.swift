public import Foundation
public import OmnisyncCore
public import OmnisyncInsight

/// The models the last refit made, as the hub keeps them: what per-customer
/// insight is computed from between refits (a customer who buys is placed
/// with these, without refitting), and what `insight show` and `segments
/// clusters` print.
public struct InsightModels: Sendable, Codable {
    public var fittedAt: Date
    /// The currency spend and value are in.
    public var currency: Currency?
    /// Customers with a purchase, that the models were fitted on.
    public var customers: Int
    /// Nil when there was too little history to fit (the reason is in `notes`).
    public var bgnbd: BGNBDModel?
    public var bgnbdLogLikelihood: Double?
    public var gammaGamma: GammaGammaModel?
    public var clusters: ClusterModel?
    public var recommender: StoredRecommender
    /// Why a model is missing, for an operator.
    public var notes: [String]
    /// Seconds each part of the refit took.
    public var seconds: [String: Double]

    public init(
        fittedAt: Date, currency: Currency?, customers: Int, bgnbd: BGNBDModel?, bgnbdLogLikelihood: Double?, gammaGamma: GammaGammaModel?,
        clusters: ClusterModel?, recommender: StoredRecommender, notes: [String], seconds: [String: Double]
    ) {
        self.fittedAt = fittedAt
        self.currency = currency
        self.customers = customers
        self.bgnbd = bgnbd
        self.bgnbdLogLikelihood = bgnbdLogLikelihood
        self.gammaGamma = gammaGamma
        self.clusters = clusters
        self.recommender = recommender
        self.notes = notes
        self.seconds = seconds
    }
}

/// The behaviour clusters: the features in order, the scaling into the
/// space the centroids live in, and how k was chosen.
public struct ClusterModel: Sendable, Codable {
    public var features: [InsightFeatures.Feature]
    public var scaling: Standardisation
    /// k × features, standardised.
    public var centroids: [[Double]]
    public var sizes: [Int]
    public var inertia: Double
    /// The silhouette of each k tried (empty when the operator set k).
    public var silhouettes: [Int: Double]
    /// True when the operator chose k (`insight refit --clusters K`).
    public var chosenByOperator: Bool

    public init(
        features: [InsightFeatures.Feature], scaling: Standardisation, centroids: [[Double]], sizes: [Int], inertia: Double,
        silhouettes: [Int: Double], chosenByOperator: Bool
    ) {
        self.features = features
        self.scaling = scaling
        self.centroids = centroids
        self.sizes = sizes
        self.inertia = inertia
        self.silhouettes = silhouettes
        self.chosenByOperator = chosenByOperator
    }

    /// The cluster nearest a customer's raw features.
    public func cluster(of raw: [Double]) -> Int {
        let point = scaling.apply(raw)
        return KMeans.nearest(point[...], in: FeatureMatrix(centroids)).cluster
    }
}

/// ``Recommender``'s lists as the hub stores them: each SKU's nearest
/// neighbours and the best sellers per store.
public struct StoredRecommender: Sendable, Codable {
    public var skus: [String]
    public var neighbours: [[ItemNeighbour]]
    public var popular: [String: [Int32]]

    public init(_ recommender: Recommender) {
        skus = recommender.skus
        neighbours = recommender.neighbours
        popular = recommender.popular
    }

    public var recommender: Recommender {
        Recommender(skus: skus, neighbours: neighbours, popular: popular)
    }
}
