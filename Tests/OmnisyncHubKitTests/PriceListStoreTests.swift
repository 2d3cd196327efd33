import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The price list at the hub, on both backends: replaced whole by each import,
/// versioned only when something changed, read back as it was written.
@Suite struct PriceListStoreTests {
    static let eur = Currency(rawValue: "EUR")!

    static func list(_ csv: String) throws -> PriceList {
        try PriceFile.read(Data(("type,sku,category,currency,price,store,region,tier,promotion,percent,starts,ends\n" + csv).utf8), format: .csv)
    }

    static let first = """
        base,SHOE-42,footwear,EUR,89.99,,,,,,,
        base,SOCK,footwear,EUR,12.99,,,,,,,
        override,SHOE-42,,EUR,79.99,NICE-03,,,,,,
        member,SHOE-42,,EUR,79.99,,,vip,,,,
        region,,,,,LYON-02,SOUTH,,,,,
        promotion,,footwear,,,,,,SPRING,12.5,2026-03-20T00:00:00Z,2026-04-20T00:00:00Z
        """

    @Test(arguments: StoreBackend.available) func importsAreVersionedAndReplaceTheWholeList(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let empty = try await hub.store.priceList()
        #expect(empty.version == 0 && empty.importedAt == nil && empty.list.entries.isEmpty)

        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let original = try Self.list(Self.first)
        let imported = try await hub.store.importPriceList(original, at: at)
        #expect(imported == PriceImportReport(version: 1, entries: 8, added: 8, changed: 0, removed: 0, unchanged: 0))
        let stored = try await hub.store.priceList()
        #expect(stored.version == 1 && stored.importedAt == at)
        #expect(Set(stored.list.entries) == Set(original.entries), "read back as written")

        // The same file again: nothing changes, no new version.
        #expect(try await hub.store.importPriceList(original, at: at.addingTimeInterval(60)).version == 1)
        #expect(try await hub.store.priceList().importedAt == at)

        // A new file: one price changed, the member price and the region left out, a rule added.
        let second = try Self.list("""
            base,SHOE-42,footwear,EUR,84.99,,,,,,,
            base,SOCK,footwear,EUR,12.99,,,,,,,
            override,SHOE-42,,EUR,79.99,NICE-03,,,,,,
            base,CAP,,EUR,19.99,,,,,,,
            promotion,,footwear,,,,,,SPRING,12.5,2026-03-20T00:00:00Z,2026-04-20T00:00:00Z
            """)
        let report = try await hub.store.importPriceList(second, at: at.addingTimeInterval(120))
        #expect(report == PriceImportReport(version: 2, entries: 7, added: 1, changed: 1, removed: 2, unchanged: 5))
        let now = try await hub.store.priceList()
        #expect(now.version == 2)
        #expect(Set(now.list.entries) == Set(second.entries), "what the file left out is gone")
        let quote = try now.list.quote(sku: "SHOE-42", store: nil, tier: "vip", at: at, currency: Self.eur)
        #expect(quote.price.amount == 8499 && quote.rule == .base, "no member price any more")
    }
}
