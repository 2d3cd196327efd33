import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Price overrides reach the hub with their sales and are totalled per store
/// and cashier; the hub knows which price list each terminal runs and marks
/// the stale ones. On both backends.
@Suite struct PriceOverrideStoreTests {
    static let eur = Currency(rawValue: "EUR")!

    static func money(_ cents: Int64) -> Money { Money(amount: cents, currency: eur) }

    /// A sale of `lines` (SKU, quantity, unit price charged, the list's price or nil when it agreed) by `cashier`.
    static func sale(_ factory: inout EntryFactory, cashier: String?, _ lines: [(String, Int64, Int64, Int64?)]) -> JournalEntry {
        let saleLines = lines.map { SaleLine(sku: $0.0, quantity: $0.1, unitPrice: money($0.2)) }
        let overrides = lines.enumerated().compactMap { index, line in
            line.3.map { PriceOverride(line: index + 1, sku: line.0, quoted: money($0), charged: money(line.2), rule: "base price", version: 1) }
        }
        let total = money(saleLines.reduce(0) { $0 + $1.amount! })
        return factory.entry(.sale(SaleEvent(
            customer: nil, card: nil, enrolled: false, lines: saleLines, total: total, receipt: nil, pointsEarned: 0, pointsRedeemed: 0,
            cashier: cashier, priceOverrides: overrides
        )))
    }

    @Test(arguments: StoreBackend.available) func overridesArriveOnceAndAreTotalledPerStoreAndCashier(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1", store: "PARIS-01")
        let lyon = try await hub.register("T-2", store: "LYON-02")
        var parisTill = EntryFactory(terminal: "T-1")
        var lyonTill = EntryFactory(terminal: "T-2")
        let parisSales = [
            // Two lines under the list (2 x -10.00, then -5.00), one at the list price.
            Self.sale(&parisTill, cashier: "C-7", [("SHOE", 2, 7999, 8999), ("SOCK", 1, 1299, nil), ("CAP", 1, 1499, 1999)]),
            Self.sale(&parisTill, cashier: "C-7", [("SOCK", 3, 1299, nil)]),
            Self.sale(&parisTill, cashier: "C-9", [("SOCK", 1, 1399, 1299)]),
            Self.sale(&parisTill, cashier: nil, [("CAP", 1, 999, 1999)]),
        ]
        let lyonSales = [Self.sale(&lyonTill, cashier: "C-7", [("SHOE", 1, 8499, 8999)])]
        let batch = PushRequest(terminal: parisTill.terminal, backlog: 0, entries: parisSales)
        // The first push is sent twice (a retry): its overrides are kept once.
        _ = try await hub.push([(batch, paris), (batch, paris), (PushRequest(terminal: lyonTill.terminal, backlog: 0, entries: lyonSales), lyon)])

        let all = try await hub.store.priceOverrides(PriceOverrideQuery())
        #expect(all.overrides.count == 5)
        #expect(all.byStoreAndCashier == [
            .init(store: StoreID(rawValue: "LYON-02")!, cashier: "C-7", lines: 1, sales: 1, difference: Self.money(-500)),
            .init(store: StoreID(rawValue: "PARIS-01")!, cashier: nil, lines: 1, sales: 1, difference: Self.money(-1000)),
            .init(store: StoreID(rawValue: "PARIS-01")!, cashier: "C-7", lines: 2, sales: 1, difference: Self.money(-2500)),
            .init(store: StoreID(rawValue: "PARIS-01")!, cashier: "C-9", lines: 1, sales: 1, difference: Self.money(100)),
        ])
        let shoe = try #require(all.overrides.first { $0.sku == "SHOE" && $0.store.rawValue == "PARIS-01" })
        #expect(shoe.quantity == 2 && shoe.quoted == Self.money(8999) && shoe.charged == Self.money(7999))
        #expect(shoe.difference == Self.money(-2000) && shoe.line == 1 && shoe.seq == 1 && shoe.cashier == "C-7")
        #expect(shoe.rule == "base price" && shoe.priceListVersion == 1 && shoe.at == parisSales[0].recordedAt)
        #expect(all.overrides.map(\.at) == all.overrides.map(\.at).sorted(by: >), "the most recent first")

        let cashier7 = try await hub.store.priceOverrides(PriceOverrideQuery(cashier: "C-7"))
        #expect(Set(cashier7.overrides.map(\.store.rawValue)) == ["PARIS-01", "LYON-02"] && cashier7.overrides.count == 3)
        let paris7 = try await hub.store.priceOverrides(PriceOverrideQuery(store: StoreID(rawValue: "PARIS-01")!, cashier: "C-7"))
        #expect(paris7.overrides.count == 2 && paris7.byStoreAndCashier.count == 1)
        // Paris's third and fourth sales (Lyon's till clock is earlier).
        let recent = try await hub.store.priceOverrides(PriceOverrideQuery(since: parisSales[2].recordedAt, limit: 1))
        #expect(recent.overrides.map(\.seq) == [4], "the limit bounds the rows")
        #expect(recent.byStoreAndCashier.map(\.lines) == [1, 1], "totals count every match since the time, not only the rows listed")
    }

    @Test(arguments: StoreBackend.available) func statusMarksTerminalsOnAStaleListOnceTheGraceHasPassed(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        for (terminal, store) in [("T-1", "PARIS-01"), ("T-2", "PARIS-01"), ("T-3", "LYON-02"), ("T-4", "LYON-02")] {
            _ = try await hub.register(terminal, store: store)
        }
        let importedAt = Date(timeIntervalSince1970: 1_800_000_000)
        let list = PriceList(rules: [.base(sku: "SHOE", price: Self.money(8999))])
        _ = try await hub.store.importPriceList(list, at: importedAt.addingTimeInterval(-3600))
        _ = try await hub.store.importPriceList(PriceList(rules: [.base(sku: "SHOE", price: Self.money(7999))]), at: importedAt)
        // T-1 got version 2; T-2 still runs 1; T-3 asked before any list; T-4 never asked.
        try await hub.store.recordPriceListVersion(1, of: TerminalID(rawValue: "T-1")!, at: importedAt.addingTimeInterval(-600))
        try await hub.store.recordPriceListVersion(2, of: TerminalID(rawValue: "T-1")!, at: importedAt.addingTimeInterval(30))
        try await hub.store.recordPriceListVersion(2, of: TerminalID(rawValue: "T-1")!, at: importedAt.addingTimeInterval(60))
        try await hub.store.recordPriceListVersion(1, of: TerminalID(rawValue: "T-2")!, at: importedAt.addingTimeInterval(-600))
        try await hub.store.recordPriceListVersion(0, of: TerminalID(rawValue: "T-3")!, at: importedAt.addingTimeInterval(-7200))

        var report = try await hub.store.status()
        #expect(report.priceList.version == 2 && report.priceList.importedAt == importedAt)
        let byID = Dictionary(uniqueKeysWithValues: report.terminals.map { ($0.terminal.rawValue, $0) })
        #expect(byID["T-1"]?.priceListVersion == 2)
        #expect(byID["T-1"]?.priceListSince == importedAt.addingTimeInterval(30), "the time it first ran the version, not its latest ask")
        #expect(byID["T-2"]?.priceListVersion == 1 && byID["T-3"]?.priceListVersion == 0 && byID["T-4"]?.priceListVersion == nil)

        // Within the grace nobody is stale: a terminal picks the list up on its next round.
        report.assessPriceLists(at: importedAt.addingTimeInterval(HubStatusReport.priceListGrace))
        #expect(report.terminals.allSatisfy { !$0.priceListStale } && report.priceList.staleTerminals == 0)
        report.assessPriceLists(at: importedAt.addingTimeInterval(HubStatusReport.priceListGrace + 1))
        #expect(report.terminals.filter(\.priceListStale).map(\.terminal.rawValue) == ["T-2", "T-3", "T-4"])
        #expect(report.priceList.staleTerminals == 3)

        // A revoked terminal is not counted: it will never sync again.
        _ = try await hub.store.revokeTerminal(TerminalID(rawValue: "T-4")!, at: importedAt)
        var revoked = try await hub.store.status()
        revoked.assessPriceLists(at: importedAt.addingTimeInterval(3600))
        #expect(revoked.terminals.filter(\.priceListStale).map(\.terminal.rawValue) == ["T-2", "T-3"])

        // The metrics say the same.
        let text = HubMetrics().exposition(of: revoked, at: importedAt.addingTimeInterval(3600))
        #expect(text.contains(#"omnisync_hub_terminal_price_list_stale{terminal="T-2",store="PARIS-01"} 1"#))
        #expect(text.contains(#"omnisync_hub_terminal_price_list_version{terminal="T-4",store="LYON-02"} -1"#))
        #expect(text.contains("omnisync_hub_terminals_stale_price_list 2"))
        #expect(text.contains("omnisync_hub_price_list_version 2"))
    }
}
