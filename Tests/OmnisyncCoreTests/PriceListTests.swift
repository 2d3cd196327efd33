import Foundation
import OmnisyncCore
import Testing

/// Price resolution against cases worked out by hand.
@Suite struct PriceListTests {
    static let eur = Currency(rawValue: "EUR")!
    static let usd = Currency(rawValue: "USD")!
    static func eur(_ cents: Int64) -> Money { Money(amount: cents, currency: eur) }
    static let paris = StoreID(rawValue: "PARIS-01")!
    static let lyon = StoreID(rawValue: "LYON-02")!
    static let nice = StoreID(rawValue: "NICE-03")!
    static let noon = Date(timeIntervalSince1970: 1_800_000_000)

    static func promotion(_ id: String, _ target: Promotion.Target, _ discount: Promotion.Discount, from: TimeInterval = -3600, to: TimeInterval = 3600, stores: Set<StoreID>? = nil) -> PriceRule {
        .promotion(Promotion(id: id, target: target, discount: discount, starts: noon.addingTimeInterval(from), ends: noon.addingTimeInterval(to), stores: stores))
    }

    let list = PriceList(
        rules: [
            .base(sku: "SHOE-42", price: eur(8999)),
            .override(sku: "SHOE-42", scope: .region("SOUTH"), price: eur(8499)),
            .override(sku: "SHOE-42", scope: .store(nice), price: eur(7999)),
            .member(sku: "SHOE-42", tier: "vip", price: eur(7999)),
            .base(sku: "SOCK", price: eur(1299)),
            .base(sku: "CAP", price: Money(amount: 2500, currency: usd)),
        ],
        regions: [lyon: "SOUTH", nice: "SOUTH"],
        categories: ["SHOE-42": "footwear", "SOCK": "footwear"]
    )

    func quote(_ sku: String, in store: StoreID = paris, tier: String? = nil, at time: Date = noon, list: PriceList? = nil) throws -> PriceQuote {
        try (list ?? self.list).quote(sku: sku, store: store, tier: tier, at: time, currency: Self.eur)
    }

    @Test func theStoresOwnPriceBeatsItsRegionsWhichBeatsTheBasePrice() throws {
        #expect(try quote("SHOE-42", in: Self.paris).price == Self.eur(8999))
        #expect(try quote("SHOE-42", in: Self.paris).rule == .base)
        #expect(try quote("SHOE-42", in: Self.lyon).price == Self.eur(8499))
        #expect(try quote("SHOE-42", in: Self.lyon).rule == .regionOverride("SOUTH"))
        #expect(try quote("SHOE-42", in: Self.nice).price == Self.eur(7999))
        #expect(try quote("SHOE-42", in: Self.nice).rule == .storeOverride(Self.nice))
    }

    @Test func membersPayTheirTiersPriceWhenItIsLower() throws {
        let vip = try quote("SHOE-42", tier: "vip")
        #expect(vip.price == Self.eur(7999) && vip.rule == .member(tier: "vip") && vip.listPrice == Self.eur(8999))
        #expect(try quote("SHOE-42", tier: "gold").rule == .base, "another tier has no member price")
        // In Nice the store price equals the member price: the simpler rule is reported.
        #expect(try quote("SHOE-42", in: Self.nice, tier: "vip").rule == .storeOverride(Self.nice))
    }

    @Test func promotionsApplyFromTheirStartUpToButNotIncludingTheirEnd() throws {
        var withSale = list
        withSale.rules.append(Self.promotion("SPRING", .category("footwear"), .percent(basisPoints: 2000), from: 0, to: 7200))
        // 20 % of 12.99 is 2.598, rounded to 2.60: 10.39.
        #expect(try quote("SOCK", at: Self.noon.addingTimeInterval(-0.001), list: withSale).price == Self.eur(1299), "a millisecond before it starts")
        let atStart = try quote("SOCK", at: Self.noon, list: withSale)
        #expect(atStart.price == Self.eur(1039) && atStart.rule == .promotion(id: "SPRING", discount: "20 % off"))
        #expect(try quote("SOCK", at: Self.noon.addingTimeInterval(7199.999), list: withSale).price == Self.eur(1039))
        #expect(try quote("SOCK", at: Self.noon.addingTimeInterval(7200), list: withSale).price == Self.eur(1299), "its end is excluded")
    }

    @Test func theCustomerGetsTheBestSingleOfferAndOffersDoNotStack() throws {
        var offers = list
        offers.rules += [
            Self.promotion("TEN", .sku("SHOE-42"), .amountOff(Self.eur(1000))),
            Self.promotion("HALF", .sku("SHOE-42"), .percent(basisPoints: 5000), stores: [Self.lyon]),
            Self.promotion("USD", .sku("SHOE-42"), .amountOff(Money(amount: 5000, currency: Self.usd))),
        ]
        // Paris: list 89.99; 10 off gives 79.99, the vip price is 79.99 too: the member price is reported.
        let paris = try quote("SHOE-42", tier: "vip", list: offers)
        #expect(paris.price == Self.eur(7999) && paris.rule == .member(tier: "vip"))
        // Not a member: 79.99 from the promotion, never 10 off the member price.
        #expect(try quote("SHOE-42", list: offers).rule == .promotion(id: "TEN", discount: "10.00 EUR off"))
        // Lyon: half of its region price 84.99 is 42.495, the discount 42.50 rounded half up: 42.49.
        let lyon = try quote("SHOE-42", in: Self.lyon, tier: "vip", list: offers)
        #expect(lyon.price == Self.eur(4249) && lyon.rule == .promotion(id: "HALF", discount: "50 % off"))
        // An amount off in dollars does not apply to a euro price.
        #expect(try quote("SHOE-42", in: Self.nice, list: offers).price == Self.eur(6999))
    }

    @Test func theChainsPriceIgnoresStoresAndStoreLimitedPromotions() throws {
        var offers = list
        offers.rules += [
            Self.promotion("LYON-ONLY", .sku("SHOE-42"), .percent(basisPoints: 5000), stores: [Self.lyon]),
            Self.promotion("ALL", .sku("SOCK"), .percent(basisPoints: 1000)),
        ]
        let chain = try offers.quote(sku: "SHOE-42", store: nil, tier: nil, at: Self.noon, currency: Self.eur)
        #expect(chain.price == Self.eur(8999) && chain.rule == .base)
        #expect(try offers.quote(sku: "SOCK", store: nil, tier: nil, at: Self.noon, currency: Self.eur).price == Self.eur(1169), "12.99 less 1.30")
    }

    @Test func aPriceNeverGoesBelowZero() throws {
        var offers = list
        offers.rules.append(Self.promotion("FREE", .sku("SOCK"), .amountOff(Self.eur(5000))))
        #expect(try quote("SOCK", list: offers).price == Self.eur(0))
    }

    @Test func aCurrencyMismatchIsRefusedNotConverted() throws {
        #expect(throws: PricingError.currencyMismatch(sku: "CAP", asked: Self.eur, priced: [Self.usd])) { try quote("CAP") }
        #expect(throws: PricingError.unknownSKU("NOPE")) { try quote("NOPE") }
        #expect(try list.quote(sku: "CAP", store: Self.paris, tier: nil, at: Self.noon, currency: Self.usd).price.amount == 2500)
    }

    @Test func fractionalPercentagesAreWrittenAsPeopleSayThem() {
        func text(_ basisPoints: Int64) -> String {
            Promotion(id: "P", target: .sku("X"), discount: .percent(basisPoints: basisPoints), starts: Self.noon, ends: Self.noon).discountDescription
        }
        #expect(text(2000) == "20 % off")
        #expect(text(1250) == "12.5 % off")
        #expect(text(1205) == "12.05 % off")
        #expect(text(5) == "0.05 % off")
    }
}
