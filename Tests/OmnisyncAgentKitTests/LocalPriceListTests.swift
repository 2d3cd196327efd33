import Foundation
import GRDB
@testable import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport
import Testing

/// The till's copy of the price list: quoting from the few rows a SKU needs
/// gives what the whole list gives, and a sale is checked against it as it
/// is recorded.
@Suite struct LocalPriceListTests {
    static let eur = Currency(rawValue: "EUR")!
    static func eur(_ cents: Int64) -> Money { Money(amount: cents, currency: eur) }
    static let here = StoreID(rawValue: "S-1")!
    static let noon = Date(timeIntervalSince1970: 1_800_000_000)

    /// SKUs that are prefixes of one another, so a range read that went one
    /// character too far would pick up another SKU's rows.
    static let skus = ["A", "A1", "A-1", "A.1", "A10", "B", "B!", "AB"]

    static func randomList(_ random: inout SeededGenerator) -> PriceList {
        var rules: [PriceRule] = []
        for sku in skus where Int.random(in: 0...5, using: &random) > 0 {
            rules.append(.base(sku: sku, price: eur(Int64.random(in: 100...10_000, using: &random))))
            if Bool.random(using: &random) { rules.append(.override(sku: sku, scope: .store(here), price: eur(Int64.random(in: 100...10_000, using: &random)))) }
            if Bool.random(using: &random) { rules.append(.override(sku: sku, scope: .region("NORTH"), price: eur(Int64.random(in: 100...10_000, using: &random)))) }
            if Bool.random(using: &random) { rules.append(.member(sku: sku, tier: "vip", price: eur(Int64.random(in: 100...10_000, using: &random)))) }
        }
        for index in 0..<Int.random(in: 0...4, using: &random) {
            let target: Promotion.Target = Bool.random(using: &random) ? .sku(skus.randomElement(using: &random)!) : .category("hats")
            let discount: Promotion.Discount = Bool.random(using: &random)
                ? .percent(basisPoints: Int64.random(in: 1...9_999, using: &random)) : .amountOff(eur(Int64.random(in: 1...500, using: &random)))
            let starts = noon.addingTimeInterval(Double(Int.random(in: -7200...3600, using: &random)))
            rules.append(.promotion(Promotion(id: "P\(index)", target: target, discount: discount, starts: starts, ends: starts.addingTimeInterval(3600))))
        }
        let categories = Dictionary(uniqueKeysWithValues: skus.filter { _ in Bool.random(using: &random) }.map { ($0, "hats") })
        return PriceList(rules: rules, regions: Bool.random(using: &random) ? [here: "NORTH"] : [:], categories: categories)
    }

    @Test func aSKUsRowsQuoteAsTheWholeListDoes() throws {
        var random = TestSeed.generator("local price list")
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        // One cache across every list, as the daemon keeps it: each new copy must replace what it holds.
        let cache = PriceListCache()
        for round in 0..<40 {
            let list = Self.randomList(&random)
            try fixture.agent.database.write { db in
                try LocalPriceList.apply(db, PriceDelta(version: Int64(round + 1), full: true, entries: list.entries, removed: []), at: Self.noon)
            }
            try fixture.agent.database.read { db in
                let whole = try LocalPriceList.read(db).list
                for sku in Self.skus + ["C"] {
                    let part = try LocalPriceList.read(db, skus: [sku], store: Self.here, cache: cache).list
                    for tier in [nil, "vip"] {
                        for offset in stride(from: -7200.0, through: 7200, by: 1800) {
                            let time = Self.noon.addingTimeInterval(offset)
                            let expected = Result { try whole.quote(sku: sku, store: Self.here, tier: tier, at: time, currency: Self.eur) }
                            let got = Result { try part.quote(sku: sku, store: Self.here, tier: tier, at: time, currency: Self.eur) }
                            #expect("\(got)" == "\(expected)", "\(sku) tier \(tier ?? "-") at \(offset)")
                        }
                    }
                }
            }
        }
    }

    @Test func aSaleChargedOffTheListIsRecordedWithItsOverridesAndCashier() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        func sale(_ cents: Int) -> String {
            #"{"cashier":"C-7","lines":[{"sku":"SOCK","quantity":2,"unitPrice":{"amount":\#(cents),"currency":"EUR"}},{"sku":"HAT","quantity":1,"unitPrice":{"amount":500,"currency":"EUR"}}],"total":{"amount":\#(cents * 2 + 500),"currency":"EUR"}}"#
        }
        // Before any list: nothing to compare with.
        #expect(try fixture.record(.sale, sale(999)).priceOverrides.isEmpty)

        let list = PriceList(rules: [.base(sku: "SOCK", price: Self.eur(1299))])
        try fixture.agent.database.write { db in
            try LocalPriceList.apply(db, PriceDelta(version: 4, full: true, entries: list.entries, removed: []), at: Self.noon)
        }
        #expect(try fixture.record(.sale, sale(1299)).priceOverrides.isEmpty, "charged as the list says")
        let receipt = try fixture.record(.sale, sale(999))
        let expected = [PriceOverride(line: 1, sku: "SOCK", quoted: Self.eur(1299), charged: Self.eur(999), rule: "base price", version: 4)]
        #expect(receipt.priceOverrides == expected, "the hat is not in the list: no override for it")

        // The entry carries them (and the cashier) to the hub, under the hash chain.
        let stored = try #require(try fixture.agent.database.read { db in
            try Journal.entries(db, terminal: TerminalID(rawValue: "T-1")!, after: receipt.seq - 1, limit: 1)
        }.first)
        let entry = try WireCoding.decode(JournalEntry.self, from: stored.body)
        guard case .sale(let recorded) = entry.event else {
            Issue.record("not a sale: \(entry.event)")
            return
        }
        #expect(recorded.priceOverrides == expected && recorded.cashier == "C-7")
        #expect(try fixture.agent.verify().problems.isEmpty)
    }
}
