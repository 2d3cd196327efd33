public import Foundation
public import OmnisyncCore

/// What the predictive insight reads and writes (docs/insight.md).
///
/// One feature of ``HubStore``; the models are fitted and applied by the
/// pure ``InsightEngine``, orchestrated by ``InsightRefresher``.
public protocol InsightStore: Sendable {
    /// Every customer's purchase facts in one read (or, with `order`, only
    /// those of the customers who bought after that order), with the last
    /// order read.
    func customerFacts(after order: Int64?) async throws(HubError) -> CustomerFactsTable

    /// The last refit's models and how far the incremental pass has read;
    /// nil before the first refit.
    func insightState() async throws(HubError) -> InsightState?

    /// Keeps a refit's models (replacing the previous ones) and the order
    /// its facts were read up to.
    func saveInsightModels(_ models: InsightModels, watermark: Int64) async throws(HubError)

    /// Moves the incremental pass's mark forward (never back).
    func advanceInsightWatermark(to watermark: Int64) async throws(HubError)

    /// Writes each customer's insight into their profile, where it says
    /// something new (so their stores' tills pull it), and into the columns
    /// scoring and `segments clusters` read. Returns how many profiles changed.
    func writeInsights(_ insights: [(CustomerID, CustomerInsight)], at now: Date) async throws(HubError) -> Int

    /// Customers per cluster, as the last writes left them.
    func clusterCounts() async throws(HubError) -> [Int: Int]
}

/// The stored models and the incremental pass's mark.
public struct InsightState: Sendable {
    public var models: InsightModels
    public var watermark: Int64

    public init(models: InsightModels, watermark: Int64) {
        self.models = models
        self.watermark = watermark
    }
}
