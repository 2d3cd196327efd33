import Foundation
import OmnisyncCore
import OmnisyncInsight
import OmnisyncTestSupport
import Testing
@testable import OmnisyncHubKit

/// Stock lists: the file, the store, and recommendations keeping to the
/// customer's store's list.
@Suite struct StockListTests {
    func read(_ text: String) throws(ImportFileError) -> [StoreID: Set<String>] {
        try StockFile.read(Data(text.utf8))
    }

    @Test func aFileListsEachStoresSKUsAndABadLineIsNamed() throws {
        let lists = try read("sku,store\nSHOE,S-1\nSOCK,S-1\r\n\"COAT\",S-2\n")
        #expect(lists == [StoreID(rawValue: "S-1")!: ["SHOE", "SOCK"], StoreID(rawValue: "S-2")!: ["COAT"]])
        #expect(throws: ImportFileError(line: 1, "the first line must name the two columns store and sku")) { try read("store,product\nS-1,SHOE\n") }
        #expect(throws: ImportFileError(line: 3, "sku \"TWO WORDS\" must be 1-64 characters without spaces")) { try read("store,sku\nS-1,A\nS-1,TWO WORDS\n") }
        #expect(throws: ImportFileError(line: 3, "A is listed twice for store S-1")) { try read("store,sku\nS-1,A\nS-1,A\n") }
        #expect(throws: ImportFileError(line: 2, "1 fields where the header names 2")) { try read("store,sku\nS-1\n") }
        #expect(throws: ImportFileError.self) { try read("store,sku\n") }
        #expect(throws: ImportFileError.self) { try read("") }
    }

    @Test(arguments: StoreBackend.available) func aStoresListIsReplacedWholeAndOtherStoresKeepTheirs(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let (s1, s2) = (StoreID(rawValue: "S-1")!, StoreID(rawValue: "S-2")!)
        try await hub.store.replaceStockLists([s1: ["A", "B"], s2: ["C"]])
        try await hub.store.replaceStockLists([s1: ["B", "D"]])
        #expect(try await hub.store.stockLists() == [s1: ["B", "D"], s2: ["C"]])
    }

    @Test func recommendationsKeepToTheCustomersStoresList() {
        // Sixty customers of S-1, each buying three SKUs of one of three groups of eight.
        var customers: [CustomerFacts] = []
        let skus = (0..<3).flatMap { group in (0..<8).map { "G\(group)-\($0)" } }
        for index in 0..<60 {
            let group = index % 3
            let bought = (0..<3).map { Int32(group * 8 + (index / 3 + $0) % 8) }
            customers.append(CustomerFacts(
                customer: CustomerID(rawValue: "C-\(index)")!, firstDay: 20_000, lastDay: 20_030 + Int32(index % 5), purchaseDays: 3, repeatSpend: 4000,
                repeatSpendDays: 2, spend: 6000, orders: 3, onlineOrders: 0, items: 3, preferredStore: "S-1", categoryItems: [:], skus: bought
            ))
        }
        let table = CustomerFactsTable(customers: customers, skus: skus, currency: Currency(rawValue: "EUR")!, watermark: 1)
        let now = Date(timeIntervalSince1970: 20_060 * 86_400)
        let models = InsightEngine.fit(table, at: now)
        let recommender = models.recommender.recommender
        let numbers = Dictionary(uniqueKeysWithValues: recommender.skus.enumerated().map { ($1, Int32($0)) })
        let customer = customers[0]
        let free = InsightEngine.insight(for: customer, skuNames: skus, models: models, recommender: recommender, recommenderNumbers: numbers, at: now)
        #expect(free.recommendations.first?.hasPrefix("G0-") == true, "\(free.recommendations)")
        // S-1 carries only the odd SKUs of group 0 and all of group 2.
        let stocked = Set(skus.filter { ($0.hasPrefix("G0-") && Int($0.suffix(1))! % 2 == 1) || $0.hasPrefix("G2-") })
        let kept = InsightEngine.insight(
            for: customer, skuNames: skus, models: models, recommender: recommender, recommenderNumbers: numbers,
            stock: Set(stocked.compactMap { numbers[$0] }), at: now
        )
        #expect(!kept.recommendations.isEmpty && kept.recommendations.allSatisfy(stocked.contains), "\(kept.recommendations)")
        #expect(kept.recommendations.first?.hasPrefix("G0-") == true, "the customer's own group first, where stocked: \(kept.recommendations)")
    }
}
