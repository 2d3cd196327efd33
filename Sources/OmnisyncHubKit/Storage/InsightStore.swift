public import Foundation
public import OmnisyncCore

/// What the predictive insight reads and writes (docs/insight.md).
///
/// One feature of ``HubStore``; the models are fitted and applied by the
/// pure ``InsightEngine``, orchestrated by ``InsightRefresher``.
public protocol InsightStore: Sendable {
    /// Every customer's purchase facts in one read (or, with `order`, only
    /// those of the customers who bought after that order), with the last
    /// order read. Spend is read in `currency`; nil: in the currency most
    /// sales use (a scan of every order, which an update spares).
    func customerFacts(after order: Int64?, currency: Currency?) async throws(HubError) -> CustomerFactsTable

    /// The last refit's models and how far the incremental pass has read;
    /// nil before the first refit.
    func insightState() async throws(HubError) -> InsightState?

    /// When the stored models were fitted and how far the incremental pass
    /// has read, without reading the models: what tells a cached copy is current.
    func insightMark() async throws(HubError) -> (fittedAt: Date, watermark: Int64)?

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

    /// Replaces the stock list of each store in `lists` (stores not named
    /// keep theirs), in one transaction.
    func replaceStockLists(_ lists: [StoreID: Set<String>]) async throws(HubError)

    /// The SKUs each store with a stock list carries.
    func stockLists() async throws(HubError) -> [StoreID: Set<String>]
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
