import Foundation
import OmnisyncTestSupport
import Testing
@testable import OmnisyncCore

@Suite struct MoneyAndIdentifierTests {
    @Test(arguments: [
        ("EUR", 1299, 12, "12.99 EUR"),
        ("EUR", -350, -3, "-3.50 EUR"),
        ("JPY", 1200, 1200, "1200 JPY"),
        ("KWD", 12345, 12, "12.345 KWD"),
    ])
    func wholeUnitsAndDescriptionFollowTheCurrencysMinorUnits(currency: String, amount: Int64, units: Int64, text: String) {
        let money = Money(amount: amount, currency: Currency(rawValue: currency)!)
        #expect(money.wholeUnits == units)
        #expect(money.description == text)
    }

    @Test func pointsAreOnePerWholeCurrencyUnitRoundedDown() {
        let policy = LoyaltyPolicy.default
        #expect(policy.pointsEarned(by: Money(amount: 1299, currency: Currency(rawValue: "EUR")!)) == 12)
        #expect(policy.pointsEarned(by: Money(amount: 99, currency: Currency(rawValue: "EUR")!)) == 0)
        #expect(LoyaltyPolicy(pointsPerCurrencyUnit: 3).pointsEarned(by: Money(amount: 500, currency: Currency(rawValue: "JPY")!)) == 1500)
    }

    @Test func moneyRejectsFractionalAmountsAndLowercaseCurrencies() {
        #expect(throws: DecodingProblem.self) { try WireCoding.decode(Money.self, from: Data(#"{"amount":12.5,"currency":"EUR"}"#.utf8)) }
        #expect(throws: DecodingProblem.self) { try WireCoding.decode(Money.self, from: Data(#"{"amount":12,"currency":"eur"}"#.utf8)) }
    }

    @Test func cardNumbersAreNormalisedAndMasked() {
        let card = CardNumber(rawValue: " 1234-5678 abcd")
        #expect(card?.rawValue == "12345678ABCD")
        #expect(card?.masked == "****ABCD")
        #expect("\(card!)" == "****ABCD")
        #expect(CardNumber(rawValue: "12") == nil)
        #expect(CardNumber(rawValue: "12345678é") == nil)
    }

    @Test func identifiersRejectCharactersUnsafeInPathsAndLogs() {
        #expect(TerminalID(rawValue: "T-0001.a_b") != nil)
        #expect(TerminalID(rawValue: "") == nil)
        #expect(TerminalID(rawValue: "-leading") == nil)
        #expect(TerminalID(rawValue: "with space") == nil)
        #expect(TerminalID(rawValue: "a/b") == nil)
        #expect(TerminalID(rawValue: String(repeating: "x", count: 65)) == nil)
        #expect(ReplicaID(rawValue: "@hub") != nil)
        #expect(TerminalID(rawValue: "@hub") == nil)
    }

    @Test func uuidv7CarriesVersionVariantAndTimeOrder() {
        var generator = SystemRandomNumberGenerator()
        let earlier = UUIDv7.make(unixMillis: 1_795_000_000_000, using: &generator)
        let later = UUIDv7.make(unixMillis: 1_795_000_000_001, using: &generator)
        #expect(earlier.count == 36)
        let characters = Array(earlier)
        #expect(characters[14] == "7")
        #expect("89ab".contains(characters[19]))
        #expect(earlier < later)
        #expect(UUID(uuidString: earlier) != nil)
        // The first 48 bits are the time in milliseconds.
        #expect(UUIDv7.make(unixMillis: 0x0123_4567_89AB, using: &generator).hasPrefix("01234567-89ab-7"))
    }

    @Test func rfc3339ParsesOffsetsAndWritesUTCWithMilliseconds() throws {
        let date = try #require(RFC3339.parse("2026-11-23T11:15:00+01:00"))
        #expect(RFC3339.format(date) == "2026-11-23T10:15:00.000Z")
        #expect(RFC3339.parse("2026-11-23T10:15:00.250Z").map(RFC3339.format) == "2026-11-23T10:15:00.250Z")
        #expect(RFC3339.parse("yesterday") == nil)
    }
}

@Suite struct RFC3339Tests {
    @Test(arguments: [
        (0 as Int64, "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (1_795_426_500_123, "2026-11-23T09:35:00.123Z"),
        (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
    ])
    func formatsMillisecondsInUTC(millis: Int64, text: String) {
        #expect(RFC3339.format(Date(millis: millis)!) == text)
    }

    @Test func formattingWhatWasParsedGivesTheSameText() throws {
        var generator = TestSeed.generator("RFC 3339 round trips")
        for _ in 0..<1000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 0...4_000_000_000, using: &generator))
            let text = RFC3339.format(date)
            let parsed = try #require(RFC3339.parse(text))
            #expect(RFC3339.format(parsed) == text)
            #expect(Date(millis: parsed.millis) == parsed)
        }
    }
}
