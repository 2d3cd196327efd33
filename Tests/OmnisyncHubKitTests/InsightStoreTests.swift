import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncInsight
import OmnisyncTestSupport
import Testing

/// Predictive insight at the hub, on both backends: a refit reads every
/// customer's orders, fits the models and writes each buyer's insight into
/// their profile; an update places only the customers who bought since.
@Suite struct InsightStoreTests {
    static let euro = Currency(rawValue: "EUR")!
    static let now = Date(millis: 1_796_000_000_000)!

    /// Web customers of three planted groups of SKUs, each buying at their own
    /// rate until they leave: their orders, and each customer's purchase days.
    static func history(customers: Int, using generator: inout SeededGenerator) -> (orders: [OnlineOrder], days: [String: [Int]]) {
        var orders: [OnlineOrder] = []
        var days: [String: [Int]] = [:]
        let today = Int(InsightEngine.day(of: now))
        for index in 0..<customers {
            let email = "c\(index)@example.com"
            let group = index % 3
            let rate = Sampling.gamma(shape: 2, rate: 60, using: &generator)
            let dropout = Sampling.beta(1, 4, using: &generator)
            // Each customer has their own typical spend (Gamma-Gamma's premise), around 40 EUR.
            let typical = Sampling.gamma(shape: 4, rate: 0.1, using: &generator)
            var day = today - Int.random(in: 30...360, using: &generator)
            var number = 0
            while day <= today {
                let sku = "G\(group)-\(Int.random(in: 0..<8, using: &generator))"
                let price = Money(amount: max(100, Int64(Sampling.gamma(shape: 6, rate: 6 / typical, using: &generator) * 100)), currency: euro)
                let at = Date(timeIntervalSince1970: Double(day) * 86_400 + 3_600)
                orders.append(OnlineOrder(
                    orderID: "O-\(index)-\(number)", channel: "web", at: at, customer: .init(email: email), lines: [SaleLine(sku: sku, quantity: 1, unitPrice: price)],
                    total: price
                ))
                if days[email]?.last != day { days[email, default: []].append(day) }
                number += 1
                if number > 1 && Sampling.uniform(using: &generator) < dropout { break }
                day += max(1, Int(Sampling.exponential(rate: rate, using: &generator).rounded(.up)))
            }
        }
        return (orders, days)
    }

    @Test(arguments: StoreBackend.available) func aRefitWritesEveryBuyersInsightAndAnUpdateOnlyTheNewBuyers(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        var generator = TestSeed.generator("insight history")
        let (orders, days) = Self.history(customers: 240, using: &generator)
        var ids: [String: CustomerID] = [:]
        for start in stride(from: 0, to: orders.count, by: 500) {
            let batch = Array(orders[start..<min(start + 500, orders.count)])
            for (order, outcome) in zip(batch, try await hub.store.recordOnlineOrders(batch, at: Self.now)) {
                ids[order.customer.email ?? ""] = outcome.customer
            }
        }
        let refresher = InsightRefresher(store: hub.store)
        #expect(try await refresher.update(at: Self.now) == nil, "no models before the first refit")
        #expect(try await hub.store.status().insightFittedAt == nil)

        let report = try await refresher.refit(at: Self.now)
        #expect(report.kind == .refit && report.customers == 240 && report.profilesChanged == 240)
        #expect(try await hub.store.status().insightFittedAt == Self.now, "status says when the models were fitted")
        let models = report.models
        let bgnbd = try #require(models.bgnbd, "\(models.notes)")
        #expect(models.gammaGamma != nil && models.currency == Self.euro && models.notes.isEmpty, "\(models.notes)")
        let clusters = try #require(models.clusters)
        #expect(clusters.sizes.reduce(0, +) == 240)
        #expect(try await hub.store.clusterCounts().values.reduce(0, +) == 240)
        // A refit of the same data finds the same: no profile is rewritten, no till pulls anything again.
        #expect(try await refresher.refit(at: Self.now).profilesChanged == 0)

        // One customer, checked against the model by hand: their purchase days give x, tₓ and T.
        let email = "c7@example.com"
        let customerID = try #require(ids[email])
        let customer = try #require(try await hub.store.customer(id: customerID))
        let insight = try #require(customer.state.insight?.value)
        let purchaseDays = try #require(days[email])
        let today = Int(InsightEngine.day(of: Self.now))
        let history = PurchaseHistory(
            frequency: purchaseDays.count - 1, recency: Double(purchaseDays.last! - purchaseDays.first!), age: Double(today - purchaseDays.first!)
        )
        #expect(insight.pAlive == (bgnbd.probabilityAlive(history) * 1000).rounded() / 1000)
        #expect(insight.expectedPurchases90d == (bgnbd.expectedPurchases(in: 90, given: history) * 100).rounded() / 100)
        #expect(insight.value12m?.currency == Self.euro && (insight.value12m?.amount ?? -1) >= 0)
        #expect(insight.cluster.map { (0..<clusters.sizes.count).contains($0) } == true)
        #expect(insight.modelFittedAt == Self.now)
        // Recommendations: ten SKUs, none bought, the customer's own group first (c7 shops in group 1).
        let bought = Set(orders.filter { $0.customer.email == email }.flatMap { $0.lines.map(\.sku) })
        #expect(insight.recommendations.count == min(10, 24 - bought.count))
        #expect(bought.isDisjoint(with: insight.recommendations))
        if bought.filter({ $0.hasPrefix("G1-") }).count < 8 {
            #expect(insight.recommendations.first?.hasPrefix("G1-") == true, "\(insight.recommendations)")
        }
        let view = CustomerView(customer.state)
        #expect(view.pAlive == insight.pAlive && view.recommendations == insight.recommendations && view.cluster == insight.cluster)

        // Nothing new: an update reads no one. A new order: that customer alone, whose new SKU leaves their list.
        #expect(try await refresher.update(at: Self.now)?.customers == 0)
        let newSKU = try #require(insight.recommendations.first)
        let price = Money(amount: 2500, currency: Self.euro)
        _ = try await hub.store.recordOnlineOrders([OnlineOrder(
            orderID: "NEW-1", channel: "web", at: Self.now, customer: .init(email: email), lines: [SaleLine(sku: newSKU, quantity: 1, unitPrice: price)],
            total: price
        )], at: Self.now)
        let update = try #require(try await refresher.update(at: Self.now))
        #expect(update.kind == .update && update.customers == 1 && update.profilesChanged == 1)
        let after = try #require(try await hub.store.customer(id: customer.state.id)?.state.insight?.value)
        #expect(!after.recommendations.contains(newSKU) && after.modelFittedAt == Self.now)
        #expect(try await refresher.update(at: Self.now)?.customers == 0, "the watermark moved past the order")

    }

    @Test(arguments: StoreBackend.available) func aRefitWithTooLittleHistoryLeavesTheModelsOutAndSaysWhy(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let price = Money(amount: 1000, currency: Self.euro)
        let outcomes = try await hub.store.recordOnlineOrders((0..<3).map { index in
            OnlineOrder(
                orderID: "O-\(index)", channel: "web", at: Self.now.addingTimeInterval(-86_400), customer: .init(email: "c\(index)@example.com"),
                lines: [SaleLine(sku: "S-\(index)", quantity: 1, unitPrice: price)], total: price
            )
        }, at: Self.now)
        let report = try await InsightRefresher(store: hub.store).refit(at: Self.now)
        #expect(report.models.bgnbd == nil && report.models.gammaGamma == nil && report.models.clusters == nil)
        #expect(report.models.notes.count == 3 && report.models.notes.first?.contains("at least 10 customers") == true, "\(report.models.notes)")
        // Still, each buyer is recommended the best sellers they have not bought.
        let first = try #require(outcomes.first?.customer)
        let customer = try #require(try await hub.store.customer(id: first))
        let insight = try #require(customer.state.insight?.value)
        #expect(insight.pAlive == nil && insight.value12m == nil && insight.cluster == nil)
        #expect(Set(insight.recommendations) == ["S-1", "S-2"])
    }
}
