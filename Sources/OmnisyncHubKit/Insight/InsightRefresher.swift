public import Foundation
public import OmnisyncCore
import OmnisyncInsight
import Synchronization

/// Keeps every customer's ``CustomerInsight`` current: a refit reads every
/// customer, fits the models again and rewrites every insight; an update
/// (between refits) reads only the customers who bought since the last
/// pass and places them with the stored models. `serve` refits once a day
/// and updates with each hourly recompute; `omnisync-hub insight refit`
/// refits on demand.
public struct InsightRefresher: Sendable {
    public let store: any InsightStore
    /// The models last read, kept decoded between passes: reading them
    /// again (tens of milliseconds of JSON for a large catalogue's
    /// neighbour lists) would cost more than placing one customer.
    private let cache = ModelCache()

    public init(store: any InsightStore) {
        self.store = store
    }

    final class ModelCache: Sendable {
        let models = Mutex<InsightModels?>(nil)
    }

    /// The stored models and mark, from the cache while they are the ones stored.
    private func state() async throws(HubError) -> InsightState? {
        guard let mark = try await store.insightMark() else { return nil }
        if let cached = cache.models.withLock({ $0 }), cached.fittedAt == mark.fittedAt {
            return InsightState(models: cached, watermark: mark.watermark)
        }
        guard let state = try await store.insightState() else { return nil }
        cache.models.withLock { $0 = state.models }
        return state
    }

    /// How old the models may get before the scheduled pass refits them.
    public static let refitInterval: TimeInterval = 86_400

    /// Reads everything, fits the models and writes every buyer's insight.
    /// `clusters` sets k; nil keeps k if an operator set it last time, else
    /// lets the silhouette choose; 0 returns k to the silhouette's choice.
    public func refit(at now: Date, clusters: Int? = nil) async throws(HubError) -> InsightReport {
        let clock = ContinuousClock()
        let start = clock.now
        let previous = try await state()
        let k: Int? = switch clusters {
        case 0?: nil
        case let fixed?: fixed
        case nil: previous?.models.clusters.flatMap { $0.chosenByOperator ? $0.centroids.count : nil }
        }
        let table = try await store.customerFacts(after: nil, currency: nil)
        let read = clock.now
        let models = InsightEngine.fit(table, at: now, clusters: k)
        let fitted = clock.now
        try await store.saveInsightModels(models, watermark: table.watermark)
        cache.models.withLock { $0 = models }
        let stock = try await store.stockLists()
        let changed = try await store.writeInsights(Self.insights(table, models: models, stock: stock, at: now), at: now)
        return InsightReport(
            kind: .refit, customers: table.customers.count, profilesChanged: changed, models: models,
            seconds: .init(read: (read - start).seconds, compute: (fitted - read).seconds, write: (clock.now - fitted).seconds)
        )
    }

    /// Places the customers who bought since the last pass with the stored
    /// models; nil before the first refit (nothing to place them with).
    public func update(at now: Date) async throws(HubError) -> InsightReport? {
        let clock = ContinuousClock()
        let start = clock.now
        guard let state = try await state() else { return nil }
        let table = try await store.customerFacts(after: state.watermark, currency: state.models.currency)
        let read = clock.now
        let insights = Self.insights(table, models: state.models, stock: try await store.stockLists(), at: now)
        let computed = clock.now
        let changed = try await store.writeInsights(insights, at: now)
        try await store.advanceInsightWatermark(to: table.watermark)
        return InsightReport(
            kind: .update, customers: table.customers.count, profilesChanged: changed, models: state.models,
            seconds: .init(read: (read - start).seconds, compute: (computed - read).seconds, write: (clock.now - computed).seconds)
        )
    }

    /// The scheduled pass: a refit when the models are missing or older
    /// than ``refitInterval``, an update otherwise.
    public func scheduled(at now: Date) async throws(HubError) -> InsightReport {
        if let mark = try await store.insightMark(), now.timeIntervalSince(mark.fittedAt) < Self.refitInterval,
            let report = try await update(at: now)
        {
            return report
        }
        return try await refit(at: now)
    }

    static func insights(_ table: CustomerFactsTable, models: InsightModels, stock: [StoreID: Set<String>], at now: Date) -> [(CustomerID, CustomerInsight)] {
        let recommender = models.recommender.recommender
        let numbers = Dictionary(recommender.skus.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        // Each stock list in the recommender's numbering (a SKU never sold has no number: nothing to recommend).
        let stocked = Dictionary(uniqueKeysWithValues: stock.map { ($0.key.rawValue, Set($0.value.compactMap { numbers[$0] })) })
        return table.customers.map { facts in
            (facts.customer, InsightEngine.insight(
                for: facts, skuNames: table.skus, models: models, recommender: recommender, recommenderNumbers: numbers,
                stock: facts.preferredStore.flatMap { stocked[$0] }, at: now
            ))
        }
    }
}

/// What a refit or an update did, as `insight refit --json` prints it.
public struct InsightReport: Sendable, Encodable {
    public enum Kind: String, Sendable, Encodable {
        case refit, update
    }

    public struct Seconds: Sendable, Encodable {
        public var read: Double
        public var compute: Double
        public var write: Double
    }

    public var kind: Kind
    /// Customers read (every buyer for a refit; those who bought since the last pass for an update).
    public var customers: Int
    /// Profiles whose insight changed (their stores' tills pull them).
    public var profilesChanged: Int
    public var models: InsightModels
    public var seconds: Seconds
}
