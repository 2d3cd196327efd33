import Foundation
import OmnisyncCore
import OmnisyncTestSupport
import Testing
@testable import OmnisyncHubKit

/// The hub sends a till's delta with the stored rows spliced in, chosen by
/// their stores column, without decoding them: it must say exactly what
/// ``PriceDelta/make(since:current:rows:for:)`` says from the decoded rows,
/// and the till must find each row's JSON in it as it was stored.
@Suite struct PriceDeltaBodyTests {
    static let stores = ["PARIS-01", "LYON-02", "NICE-03"].map { StoreID(rawValue: $0)! }
    static let eur = Currency(rawValue: "EUR")!

    static func randomEntry(_ index: Int, _ random: inout SeededGenerator) -> PriceListEntry {
        let price = Money(amount: Int64.random(in: 1...10_000, using: &random), currency: eur)
        let noon = Date(timeIntervalSince1970: 1_800_000_000)
        switch Int.random(in: 0...5, using: &random) {
        case 0: return .rule(.base(sku: "SKU-\(index)", price: price))
        case 1: return .rule(.override(sku: "SKU-\(index)", scope: .store(stores.randomElement(using: &random)!), price: price))
        case 2: return .rule(.override(sku: "SKU-\(index)", scope: .region("SOUTH"), price: price))
        case 3: return .region(store: stores.randomElement(using: &random)!, region: "R-\(index)")
        case 4:
            let limited: Set<StoreID>? = Bool.random(using: &random) ? Set(stores.filter { _ in Bool.random(using: &random) }) : nil
            return .rule(.promotion(Promotion(
                id: "P-\(index)", target: .sku("SKU-\(index)"), discount: .percent(basisPoints: 1000), starts: noon, ends: noon.addingTimeInterval(60),
                stores: limited
            )))
        default: return .category(sku: "SKU-\(index)", category: "cat")
        }
    }

    @Test func theSplicedDeltaSaysWhatTheDecodedRowsSay() throws {
        var random = TestSeed.generator("price delta bodies")
        for _ in 0..<200 {
            let rows = (0..<Int.random(in: 0...30, using: &random)).map { index in
                PriceDelta.StoredRow(
                    key: "row-\(index)", entry: Int.random(in: 0...4, using: &random) == 0 ? nil : Self.randomEntry(index, &random),
                    version: Int64.random(in: 1...5, using: &random)
                )
            }
            let current: Int64 = 5
            let since = Int64.random(in: 0...7, using: &random)
            let store = Self.stores.randomElement(using: &random)!
            var builder = EncodedPriceDelta.Builder(since: since, current: current, store: store)
            for row in rows where builder.full || row.version > since {
                // As the full query filters: only live rows (the stores filter is the builder's to apply here).
                if builder.full && row.entry == nil { continue }
                let json = try row.entry.map { try WireCoding.encode($0) } ?? Data("{}".utf8)
                builder.add(key: row.key, body: json, stores: row.entry?.storesColumn, removed: row.entry == nil)
            }
            let encoded = try builder.finish()
            let expected = PriceDelta.make(since: since, current: current, rows: rows, for: store)
            let received = try PriceDelta.Received.read(encoded.body)
            #expect(received.delta == expected)
            #expect(encoded.entries == expected.entries.count && encoded.removed == expected.removed.count && encoded.full == expected.full)
            #expect(try received.entryJSON == expected.entries.map { try WireCoding.encode($0) }, "each row's JSON found as it was stored")
        }
    }

    @Test func aBodyLaidOutOtherwiseIsStillReadAndItsRowsEncodedByTheTill() throws {
        let delta = PriceDelta(version: 3, full: true, entries: [.region(store: Self.stores[0], region: "NORTH"), .category(sku: "A", category: "b")], removed: [])
        let pretty = try WireCoding.encode(delta, pretty: true)
        let received = try PriceDelta.Received.read(pretty)
        #expect(received.delta == delta && received.entryJSON == nil)
        #expect(throws: DecodingProblem.self) { try PriceDelta.Received.read(Data(#"{"entries":[]}"#.utf8)) }
    }
}
