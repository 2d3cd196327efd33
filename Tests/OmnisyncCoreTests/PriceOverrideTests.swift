import Foundation
import OmnisyncCore
import Testing

/// A sale line charged at another price than the till's list gives is a
/// price override: found by hand-worked cases, carried by the sale's JSON
/// only when there is one, and refused when it does not match its line.
@Suite struct PriceOverrideTests {
    static let eur = Currency(rawValue: "EUR")!
    static func eur(_ cents: Int64) -> Money { Money(amount: cents, currency: eur) }
    static let paris = StoreID(rawValue: "PARIS-01")!
    static let noon = Date(timeIntervalSince1970: 1_800_000_000)

    static let list = PriceList(rules: [
        .base(sku: "SHOE", price: eur(8999)),
        .member(sku: "SHOE", tier: "vip", price: eur(7999)),
        .base(sku: "SOCK", price: eur(1299)),
        .base(sku: "CAP", price: Money(amount: 2500, currency: Currency(rawValue: "USD")!)),
        .promotion(Promotion(
            id: "SPRING", target: .sku("SOCK"), discount: .percent(basisPoints: 1000), starts: noon, ends: noon.addingTimeInterval(3600)
        )),
    ])

    static func line(_ sku: String, _ cents: Int64, quantity: Int64 = 1) -> SaleLine {
        SaleLine(sku: sku, quantity: quantity, unitPrice: eur(cents))
    }

    @Test func onlyLinesChargedAtAnotherPriceThanTheListGivesAreOverrides() {
        let lines = [
            Self.line("SHOE", 8999),  // the base price: no override
            Self.line("SHOE", 7999, quantity: 2),  // a member price for a non-member
            Self.line("SOCK", 1299),  // before the promotion: the base price
            Self.line("HAT", 500),  // not in the list: nothing to compare with
            Self.line("CAP", 2500),  // priced in USD only: never converted, so no override
        ]
        let before = Self.list.overrides(of: lines, store: Self.paris, tier: nil, at: Self.noon.addingTimeInterval(-1), version: 7)
        #expect(before == [PriceOverride(line: 2, sku: "SHOE", quoted: Self.eur(8999), charged: Self.eur(7999), rule: "base price", version: 7)])
        #expect(before.first?.unitDifference == -1000)

        // A VIP pays the member price; at noon the sock's promotion has started, so 12.99 is now too much.
        let vipAtNoon = Self.list.overrides(of: lines, store: Self.paris, tier: "vip", at: Self.noon, version: 7)
        #expect(vipAtNoon == [
            PriceOverride(line: 1, sku: "SHOE", quoted: Self.eur(7999), charged: Self.eur(8999), rule: "member price for tier vip", version: 7),
            PriceOverride(line: 3, sku: "SOCK", quoted: Self.eur(1169), charged: Self.eur(1299), rule: "promotion SPRING: 10 % off", version: 7),
        ])
        // The promotion's end is excluded: at 13:00 the sock is back at its base price.
        #expect(Self.list.overrides(of: [Self.line("SOCK", 1299)], store: Self.paris, tier: nil, at: Self.noon.addingTimeInterval(3600), version: 7).isEmpty)
    }

    static func sale(_ lines: [SaleLine], overrides: [PriceOverride], cashier: String? = "C-7") -> SaleEvent {
        SaleEvent(
            customer: nil, card: nil, enrolled: false, lines: lines, total: Self.eur(lines.reduce(0) { $0 + $1.amount! }), receipt: nil,
            pointsEarned: 0, pointsRedeemed: 0, cashier: cashier, priceOverrides: overrides
        )
    }

    @Test func aSaleCarriesItsOverridesAndCashierOnlyWhenItHasThem() throws {
        let plain = Self.sale([Self.line("SOCK", 1299)], overrides: [], cashier: nil)
        let text = String(decoding: try WireCoding.encode(plain), as: UTF8.self)
        #expect(!text.contains("priceOverrides") && !text.contains("cashier"), "a sale without them keeps the bytes (and hash) it always had")

        let override = PriceOverride(line: 1, sku: "SOCK", quoted: Self.eur(1299), charged: Self.eur(999), rule: "base price", version: 3)
        let overridden = Self.sale([Self.line("SOCK", 999)], overrides: [override])
        #expect(try WireCoding.decode(SaleEvent.self, from: try WireCoding.encode(overridden)) == overridden)
    }

    @Test(arguments: [
        (#"[{"line":2,"sku":"SOCK","quoted":{"amount":1299,"currency":"EUR"},"charged":{"amount":999,"currency":"EUR"},"rule":"base price","version":3}]"#, "line 2 of a sale of 1"),
        (#"[{"line":1,"sku":"SHOE","quoted":{"amount":1299,"currency":"EUR"},"charged":{"amount":999,"currency":"EUR"},"rule":"base price","version":3}]"#, "line 1 is not SHOE"),
        (#"[{"line":1,"sku":"SOCK","quoted":{"amount":1299,"currency":"EUR"},"charged":{"amount":1099,"currency":"EUR"},"rule":"base price","version":3}]"#, "line 1 is not SOCK at"),
        (#"[{"line":1,"sku":"SOCK","quoted":{"amount":999,"currency":"EUR"},"charged":{"amount":999,"currency":"EUR"},"rule":"base price","version":3}]"#, "no override"),
        (#"[{"line":1,"sku":"SOCK","quoted":{"amount":1299,"currency":"USD"},"charged":{"amount":999,"currency":"EUR"},"rule":"base price","version":3}]"#, "currency"),
        (#"[{"line":1,"sku":"SOCK","quoted":{"amount":1299,"currency":"EUR"},"charged":{"amount":999,"currency":"EUR"},"rule":"","version":3}]"#, "rule"),
        (#"[{"line":1,"sku":"SOCK","quoted":{"amount":1299,"currency":"EUR"},"charged":{"amount":999,"currency":"EUR"},"rule":"base price","version":0}]"#, "version"),
    ])
    func anOverrideThatDoesNotMatchItsLineIsRefused(overrides: String, problem: String) throws {
        let json = #"{"enrolled":false,"lines":[{"quantity":1,"sku":"SOCK","unitPrice":{"amount":999,"currency":"EUR"}}],"pointsEarned":0,"pointsRedeemed":0,"priceOverrides":\#(overrides),"total":{"amount":999,"currency":"EUR"}}"#
        #expect(throws: (any Error).self) { try WireCoding.decode(SaleEvent.self, from: Data(json.utf8)) }
        do {
            _ = try WireCoding.decode(SaleEvent.self, from: Data(json.utf8))
        } catch {
            #expect("\(error)".contains(problem), "\(error)")
        }
    }

    @Test func aCashierIsAnIdWithoutSpaces() throws {
        let base = #"{"lines":[{"quantity":1,"sku":"SOCK","unitPrice":{"amount":999,"currency":"EUR"}}],"total":{"amount":999,"currency":"EUR"}"#
        #expect(try WireCoding.decode(SaleRequest.self, from: Data((base + #","cashier":"C-042"}"#).utf8)).cashier == "C-042")
        #expect(throws: (any Error).self) { try WireCoding.decode(SaleRequest.self, from: Data((base + #","cashier":"Anna B"}"#).utf8)) }
        #expect(throws: (any Error).self) { try WireCoding.decode(SaleRequest.self, from: Data((base + #","cashier":""}"#).utf8)) }
    }
}
