import Foundation
import OmnisyncCore
import Testing

/// Data cleaning on the way in: the same email or phone number, however a
/// person or a system typed it, normalises to one value; what is not an
/// address or a number is refused, never guessed at.
@Suite struct ContactNormalizationTests {
    @Test(arguments: [
        ("ada@example.com", "ada@example.com"),
        ("  Ada.Lovelace@Example.COM\n", "ada.lovelace@example.com"),
        ("o'brien+shop@mail.example.co.uk", "o'brien+shop@mail.example.co.uk"),
        ("JOSÉ@exämple.fr", "josé@exämple.fr"),
    ])
    func emailsNormalise(_ typed: String, _ expected: String) {
        #expect(EmailAddress(normalizing: typed)?.value == expected)
    }

    @Test(arguments: [
        "", "   ", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "ada lovelace@example.com",
        "ada@exa mple.com", "ada@-example.com", "ada@example..com", ".ada@example.com", "ada.@example.com",
        "a\u{0007}b@example.com", "ada@example.com.", "<ada@example.com>",
    ])
    func nonAddressesAreRefused(_ typed: String) {
        #expect(EmailAddress(normalizing: typed) == nil)
    }

    @Test(arguments: [
        ("06 12 34 56 78", "33", "+33612345678"),
        ("+33 6 12-34-56-78", "33", "+33612345678"),
        ("0033 6 12 34 56 78", "33", "+33612345678"),
        ("+33612345678", nil, "+33612345678"),
        ("0044 20 7946 0958", "33", "+442079460958"),
        ("020 7946 0958", "44", "+442079460958"),
        ("06 1234 5678", "39", "+390612345678"),
        ("(212) 555-0123", "1", "+12125550123"),
        ("1 212 555 0123", "1", "+12125550123"),
        ("030/1234567", "49", "+49301234567"),
    ])
    func phoneNumbersNormaliseToE164(_ typed: String, _ country: String?, _ expected: String) {
        #expect(PhoneNumber(normalizing: typed, defaultCallingCode: country)?.value == expected)
    }

    @Test(arguments: [
        ("06 12 34 56 78", nil as String?),  // national, and no default country to read it in
        ("call me", "33"),
        ("06 12 34 56 78 ext 12", "33"),
        ("+33 6 12 34 56 78 9999999", "33"),  // more than 15 digits
        ("112", "33"),  // a short code
        ("+0612345678", "33"),  // no country code starts with 0
        ("06+12345678", "33"),
        ("", "33"),
    ])
    func nonNumbersAreRefused(_ typed: String, _ country: String?) {
        #expect(PhoneNumber(normalizing: typed, defaultCallingCode: country) == nil)
    }

    @Test func twoFormatsOfOneNumberAreEqual() {
        let till = PhoneNumber(normalizing: "06.12.34.56.78", defaultCallingCode: "33")
        let web = PhoneNumber(normalizing: "+33 (6) 12 34 56 78", defaultCallingCode: "44")
        #expect(till != nil && till == web)
    }

    @Test func callingCodesAreOneToThreeDigits() {
        #expect(PhoneNumber.isCallingCode("1") && PhoneNumber.isCallingCode("33") && PhoneNumber.isCallingCode("353"))
        #expect(!PhoneNumber.isCallingCode("") && !PhoneNumber.isCallingCode("0") && !PhoneNumber.isCallingCode("3534") && !PhoneNumber.isCallingCode("+33"))
    }
}

/// An online order written out (a quarantined order, an import line) reads back the same.
@Suite struct OnlineOrderCodingTests {
    @Test func anOrderRoundTrips() throws {
        let euro = Currency(rawValue: "EUR")!
        let order = OnlineOrder(
            orderID: "W-1", channel: "web", at: Date(millis: 1_796_000_000_123)!, customer: .init(email: "a@example.com"),
            lines: [SaleLine(sku: "HAT", quantity: 2, unitPrice: Money(amount: 500, currency: euro))], total: Money(amount: 900, currency: euro)
        )
        #expect(try WireCoding.decode(OnlineOrder.self, from: try WireCoding.encode(order)) == order)
    }
}
