import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncInsight
import OmnisyncTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The predictive insight's costs: the BG/NBD, Gamma-Gamma and K-means fits
/// on a million customers (next to `lifetimes` and scikit-learn fitting the
/// same data, when the reference implementations are at hand), the hit rate
/// @10 of item-to-item recommendations next to the best sellers, and at a
/// hub, a whole refit next to placing one new order's customer.
struct InsightBenchmark {
    var customers = 1_000_000
    var recommendationCustomers = 200_000
    var hubCustomers = 20_000
    var directory: String
    /// `scripts/python-reference`, for the lifetimes and scikit-learn baselines; nil: measured alone.
    var reference: String?

    struct Result: Encodable {
        var customers: Int
        var bgnbdSeconds: Double
        var bgnbdDistinctHistories: Int
        var bgnbd: BGNBDModel
        var bgnbdTruth: BGNBDModel
        var lifetimesSeconds: Double?
        var lifetimesParams: [String: Double]?
        var gammaGammaSeconds: Double
        var kmeansSeconds: Double
        var kmeansChooseKSeconds: Double
        var kmeansK: Int
        var kmeansRestarts: Int
        var kmeansInertia: Double
        var scikitLearnSeconds: Double?
        var scikitLearnInertia: Double?
        var recommendationCustomers: Int
        var recommendationSeconds: Double
        var hitRate: Double
        var popularityHitRate: Double
        var hubCustomers: Int
        var hubRefitSeconds: Double
        var hubOneOrderSeconds: Double
        var peakMiB: Double
    }

    static let truth = BGNBDModel(r: 0.55, alpha: 35, a: 0.8, b: 2.6)

    func run(progress: (String) -> Void) async throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 2026)

        progress("insight: simulating \(customers) customers' histories")
        // Whole days, as the hub reads them: first purchases over the last two years.
        let ages = (0..<customers).map { _ in Double(Int.random(in: 1...730, using: &generator)) }
        var histories = Self.truth.simulate(ages: ages, using: &generator).map { history in
            PurchaseHistory(frequency: history.frequency, recency: history.recency.rounded(.down), age: history.age)
        }
        for index in histories.indices where histories[index].frequency > 0 {
            let typical = Sampling.gamma(shape: 4, rate: 0.1, using: &generator)
            histories[index].monetary = Sampling.gamma(shape: 6 * Double(histories[index].frequency), rate: 6 * Double(histories[index].frequency) / typical, using: &generator)
        }
        let distinct = Set(histories.map { "\($0.frequency) \($0.recency) \($0.age)" }).count

        progress("insight: fitting BG/NBD on \(customers) customers")
        let (bgnbd, bgnbdSeconds) = try Self.timed { try BGNBDModel.fit(histories) }
        progress("insight: fitting Gamma-Gamma")
        let (_, gammaGammaSeconds) = try Self.timed { try GammaGammaModel.fit(histories) }
        var lifetimesSeconds: Double?
        var lifetimesParams: [String: Double]?
        if let reference {
            progress("insight: lifetimes fitting the same histories (the baseline)")
            let file = directory + "/histories.csv"
            try Self.write(histories.map { [Double($0.frequency), $0.recency, $0.age] }, to: file)
            struct Answer: Decodable { var params: [String: Double]; var seconds: Double }
            let answer = try await PythonReference.run(["bgnbd", file], as: Answer.self, script: URL(fileURLWithPath: reference))
            (lifetimesSeconds, lifetimesParams) = (answer.seconds, answer.params)
        }

        progress("insight: K-means on \(customers) customers' behaviour")
        let points = Self.behaviour(customers, using: &generator)
        // As the hub does it: k chosen by silhouette on a sample, then fitted on everyone.
        let (k, chooseSeconds) = Self.timed { InsightEngine.clusterCount(points).k }
        let (fittedClusters, kmeansSeconds) = Self.timed { InsightEngine.clusters(points, k: k) }
        let clusters = (fittedClusters, k)
        var scikitLearnSeconds: Double?
        var scikitLearnInertia: Double?
        if let reference {
            progress("insight: scikit-learn's KMeans on the same points and k (the baseline)")
            let file = directory + "/points.csv"
            try Self.write((0..<points.rows).map { Array(points.row($0)) }, to: file)
            struct Answer: Decodable { var inertia: Double; var seconds: Double }
            let restarts = String(InsightEngine.restarts(customers: points.rows))
            let answer = try await PythonReference.run(["kmeans", file, String(clusters.1), restarts], as: Answer.self, script: URL(fileURLWithPath: reference))
            (scikitLearnSeconds, scikitLearnInertia) = (answer.seconds, answer.inertia)
        }

        progress("insight: recommendations for \(recommendationCustomers) customers, hit rate @10 on held-out baskets")
        let shoppers = Self.shoppers(recommendationCustomers, using: &generator)
        let (hits, recommendationSeconds) = Self.timed { HitRate.evaluate(shoppers) }

        progress("insight: a hub with \(hubCustomers) customers: a whole refit, then one new order")
        let (refit, oneOrder) = try await hubCosts(using: &generator)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Result(
            customers: customers, bgnbdSeconds: bgnbdSeconds, bgnbdDistinctHistories: distinct, bgnbd: bgnbd.model, bgnbdTruth: Self.truth,
            lifetimesSeconds: lifetimesSeconds, lifetimesParams: lifetimesParams, gammaGammaSeconds: gammaGammaSeconds, kmeansSeconds: kmeansSeconds,
            kmeansChooseKSeconds: chooseSeconds, kmeansK: clusters.1, kmeansRestarts: InsightEngine.restarts(customers: points.rows), kmeansInertia: clusters.0.inertia, scikitLearnSeconds: scikitLearnSeconds, scikitLearnInertia: scikitLearnInertia,
            recommendationCustomers: recommendationCustomers, recommendationSeconds: recommendationSeconds, hitRate: hits.coPurchase,
            popularityHitRate: hits.popularity, hubCustomers: hubCustomers, hubRefitSeconds: refit, hubOneOrderSeconds: oneOrder,
            peakMiB: Double(usage.ru_maxrss) / 1024
        )
    }

    /// Standardised behaviour of `count` customers in four loose groups
    /// (regulars, big-basket, online, lapsed), nine features like the hub's.
    static func behaviour(_ count: Int, using generator: inout SeededGenerator) -> FeatureMatrix {
        var values: [Double] = []
        values.reserveCapacity(count * 9)
        for index in 0..<count {
            let kind = index % 4
            let recency = Sampling.exponential(rate: kind == 3 ? 1.0 / 300 : 1.0 / 40, using: &generator)
            let days = 1 + Sampling.exponential(rate: kind == 0 ? 0.1 : 0.5, using: &generator)
            let spend = Sampling.gamma(shape: 3, rate: kind == 1 ? 0.02 : 0.06, using: &generator)
            let basket = 1 + Sampling.gamma(shape: kind == 1 ? 6 : 2, rate: 1, using: &generator)
            let online = kind == 2 ? 0.6 + 0.4 * Sampling.uniform(using: &generator) : 0.2 * Sampling.uniform(using: &generator)
            var shares = (0..<4).map { _ in Sampling.uniform(using: &generator) }
            shares[kind] += 2
            let total = shares.reduce(0, +)
            values += [recency, days, spend, basket, online] + shares.map { $0 / total }
        }
        return FeatureMatrix(rows: count, columns: 9, values: values).standardised().matrix
    }

    /// Shoppers of 1,200 SKUs in 100 families of 12 (a product line: shoes,
    /// their socks, their laces...) and 50 staples: four in five of a
    /// customer's items come from their one or two families, the rest are
    /// staples, the most popular first.
    static func shoppers(_ count: Int, using generator: inout SeededGenerator) -> [HitRate.Customer] {
        (0..<count).map { index in
            let families = [Int.random(in: 0..<100, using: &generator), Int.random(in: 0..<100, using: &generator)]
            let baskets = (0..<Int.random(in: 2...5, using: &generator)).map { _ in
                (0..<Int.random(in: 1...4, using: &generator)).map { _ -> String in
                    if Sampling.uniform(using: &generator) < 0.2 { return "TOP-\(Int(Sampling.exponential(rate: 0.3, using: &generator)) % 50)" }
                    let family = Sampling.uniform(using: &generator) < 0.8 ? families[0] : families[1]
                    return "F\(family)-\(Int.random(in: 0..<12, using: &generator))"
                }
            }
            return HitRate.Customer(store: "S-\(index % 20)", baskets: baskets)
        }
    }

    /// A hub on SQLite with `hubCustomers` web customers: a whole refit, then
    /// the update that places one new order's customer.
    func hubCosts(using generator: inout SeededGenerator) async throws -> (refit: Double, oneOrder: Double) {
        let path = directory + "/hub.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try SQLiteHubStore(path: path)
        let euro = Currency(rawValue: "EUR")!
        let now = Date()
        var orders: [OnlineOrder] = []
        for customer in 0..<hubCustomers {
            let family = Int.random(in: 0..<100, using: &generator)
            for number in 0..<Int.random(in: 1...5, using: &generator) {
                let price = Money(amount: Int64(Int.random(in: 5...120, using: &generator)) * 100, currency: euro)
                orders.append(OnlineOrder(
                    orderID: "B-\(customer)-\(number)", channel: "web", at: now.addingTimeInterval(-Double(Int.random(in: 1...700, using: &generator)) * 86_400),
                    customer: .init(email: "b\(customer)@example.com"),
                    lines: [SaleLine(sku: "F\(family)-\(Int.random(in: 0..<20, using: &generator))", quantity: 1, unitPrice: price)], total: price
                ))
            }
        }
        for start in stride(from: 0, to: orders.count, by: 2_000) {
            _ = try await store.recordOnlineOrders(Array(orders[start..<min(start + 2_000, orders.count)]), at: now)
        }
        let refresher = InsightRefresher(store: store)
        let (_, refit) = try await Self.timedAsync { try await refresher.refit(at: now) }
        let price = Money(amount: 4200, currency: euro)
        _ = try await store.recordOnlineOrders([OnlineOrder(
            orderID: "NEW-1", channel: "web", at: now, customer: .init(email: "b7@example.com"), lines: [SaleLine(sku: "F1-1", quantity: 1, unitPrice: price)],
            total: price
        )], at: now)
        let (update, oneOrder) = try await Self.timedAsync { try await refresher.update(at: now) }
        guard update?.customers == 1 else { throw BenchError("the update after one order read \(update?.customers ?? 0) customers, not 1") }
        return (refit, oneOrder)
    }

    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try body()
        return (value, (ContinuousClock.now - start).seconds)
    }

    static func timedAsync<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, (ContinuousClock.now - start).seconds)
    }

    static func write(_ rows: [[Double]], to path: String) throws {
        var text = ""
        text.reserveCapacity(rows.count * 40)
        for row in rows {
            text += row.map { String($0) }.joined(separator: ",")
            text += "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
