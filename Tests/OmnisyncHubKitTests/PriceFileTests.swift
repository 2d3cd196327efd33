import Foundation
import OmnisyncCore
import OmnisyncHubKit
import Testing

/// `omnisync-hub prices import` reads a whole file before anything is stored:
/// a bad line rejects it with its line number.
@Suite struct PriceFileTests {
    static let eur = Currency(rawValue: "EUR")!
    static let paris = StoreID(rawValue: "PARIS-01")!

    static func read(_ text: String, _ format: ProductFile.Format = .csv) throws(ImportFileError) -> PriceList {
        try PriceFile.read(Data(text.utf8), format: format)
    }

    static let csv = """
        type,sku,category,currency,price,store,region,tier,promotion,percent,amountOff,starts,ends,stores
        base,SHOE-42,footwear,EUR,89.99,,,,,,,,,
        base,YEN-1,,JPY,1200,,,,,,,,,
        override,SHOE-42,,EUR,84.9,,SOUTH,,,,,,,
        override,SHOE-42,,EUR,79.99,NICE-03,,,,,,,,
        member,SHOE-42,,EUR,79.99,,,vip,,,,,,
        region,,,,,LYON-02,SOUTH,,,,,,,
        promotion,,footwear,,,,,,SPRING,12.5,,2026-03-20T00:00:00Z,2026-04-20T00:00:00Z,PARIS-01 LYON-02
        promotion,SHOE-42,,EUR,,,,,TEN,,10,2026-03-20T00:00:00Z,2026-03-21T00:00:00Z,

        """

    @Test func aFullCSVReadsIntoTheRulesItWrites() throws {
        let list = try Self.read(Self.csv)
        #expect(list.rules.count == 7)
        #expect(list.rules.contains(.base(sku: "SHOE-42", price: Money(amount: 8999, currency: Self.eur))))
        #expect(list.rules.contains(.base(sku: "YEN-1", price: Money(amount: 1200, currency: Currency(rawValue: "JPY")!))), "no decimals in yen")
        #expect(list.rules.contains(.override(sku: "SHOE-42", scope: .region("SOUTH"), price: Money(amount: 8490, currency: Self.eur))), "84.9 is 84.90")
        #expect(list.rules.contains(.member(sku: "SHOE-42", tier: "vip", price: Money(amount: 7999, currency: Self.eur))))
        #expect(list.regions == [StoreID(rawValue: "LYON-02")!: "SOUTH"])
        #expect(list.categories == ["SHOE-42": "footwear"])
        let spring = try #require(list.rules.compactMap { if case .promotion(let p) = $0, p.id == "SPRING" { p } else { nil } }.first)
        #expect(spring.discount == .percent(basisPoints: 1250) && spring.target == .category("footwear"))
        #expect(spring.stores == [Self.paris, StoreID(rawValue: "LYON-02")!])
        #expect(spring.starts == RFC3339.parse("2026-03-20T00:00:00Z"))
        // What the till will answer from it, end to end through the shared resolution.
        let quote = try list.quote(sku: "SHOE-42", store: Self.paris, tier: nil, at: RFC3339.parse("2026-03-20T12:00:00Z")!, currency: Self.eur)
        #expect(quote.price.amount == 7874 && quote.rule == .promotion(id: "SPRING", discount: "12.5 % off"), "89.99 less 11.25 (12.5 %, rounded half up)")
    }

    @Test func jsonLinesUseTheSameNames() throws {
        let list = try Self.read("""
            {"type":"base","sku":"SOCK","currency":"EUR","price":"12.99"}
            {"type":"promotion","promotion":"SOCKS","sku":"SOCK","percent":20,"starts":"2026-03-20T00:00:00Z","ends":"2026-03-21T00:00:00Z","stores":["PARIS-01"]}
            """, .jsonl)
        #expect(list.rules.count == 2)
        #expect(list.rules.contains(.base(sku: "SOCK", price: Money(amount: 1299, currency: Self.eur))))
    }

    @Test(arguments: [
        ("type,sku,currency,price\nbase,SHOE,EUR,89.999\n", "line 2: price \"89.999\" must be an amount like 89.99 with at most 2 decimals for EUR"),
        ("type,sku,currency,price\nbase,SHOE,EUR,-1\n", "line 2: price \"-1\""),
        ("type,sku,currency,price\nbase,SHOE,EUR,89.99\nbase,SHOE,EUR,79.99\n", "line 3: base SHOE EUR is already given on line 2"),
        ("type,sku,currency,price\nbase,SHOE,EURO,89.99\n", "line 2: currency \"EURO\""),
        ("type,sku,currency,price\nsale,SHOE,EUR,89.99\n", "line 2: type \"sale\" is not one of"),
        ("type,sku,currency,price,store,region\noverride,SHOE,EUR,1,PARIS-01,SOUTH\n", "line 2: an override names a store or a region (one of them)"),
        ("type,sku,currency,price,tier\nbase,SHOE,EUR,1,vip\n", "line 2: tier does not apply to a base row"),
        ("type,sku,percent,promotion,starts,ends\npromotion,SHOE,0,P,2026-03-20T00:00:00Z,2026-03-21T00:00:00Z\n", "percent \"0\" must be between 0.01 and 100"),
        ("type,sku,percent,promotion,starts,ends\npromotion,SHOE,10,P,2026-03-21T00:00:00Z,2026-03-20T00:00:00Z\n", "promotion P ends before it starts"),
        ("type,sku,percent,promotion,starts,ends\npromotion,SHOE,10,P,tomorrow,2026-03-20T00:00:00Z\n", "starts \"tomorrow\" must be a time"),
        ("type,sku,currency,price,colour\nbase,SHOE,EUR,1,red\n", "line 1: unknown column \"colour\""),
        ("type,sku,currency,price\nbase,SHOE,EUR\n", "line 2: 3 fields where the header names 4"),
    ] as [(String, String)])
    func aBadLineRejectsTheFileNamingIt(_ file: String, _ message: String) {
        do {
            _ = try Self.read(file)
            Issue.record("accepted: \(file)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }
}
