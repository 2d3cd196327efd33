import Foundation
import Testing
@testable import OmnisyncCore

/// The data contract: unknown fields are errors, and errors name the field.
@Suite struct RequestDecodingTests {
    func problem<T: Decodable>(_ type: T.Type, _ json: String) -> String? { decodingProblem(type, json) }

    let line = #"{"sku":"S1","quantity":1,"unitPrice":{"amount":1299,"currency":"EUR"}}"#

    @Test func aWellFormedSaleDecodes() throws {
        let sale = try WireCoding.decode(SaleRequest.self, from: Data(#"{"card":"1234 5678","lines":[\#(line)],"total":{"amount":1299,"currency":"EUR"},"pointsRedeemed":5}"#.utf8))
        #expect(sale.reference.card?.rawValue == "12345678")
        #expect(sale.pointsRedeemed == 5)
        #expect(sale.lines.count == 1)
    }

    @Test func anUnknownFieldIsAnErrorNamingIt() {
        #expect(problem(SaleRequest.self, #"{"lines":[\#(line)],"total":{"amount":1299,"currency":"EUR"},"pointsRedemed":5}"#) == "pointsRedemed: unknown field")
        #expect(problem(SaleRequest.self, #"{"lines":[{"sku":"S1","quantity":1,"qty":2,"unitPrice":{"amount":1,"currency":"EUR"}}],"total":{"amount":1,"currency":"EUR"}}"#) == "lines[0].qty: unknown field")
    }

    @Test func errorsNameTheNestedField() {
        #expect(problem(SaleRequest.self, #"{"lines":[{"sku":"S1","quantity":1,"unitPrice":{"amount":"12","currency":"EUR"}}],"total":{"amount":12,"currency":"EUR"}}"#) == "lines[0].unitPrice.amount: expected an integer")
        #expect(problem(SaleRequest.self, #"{"lines":[\#(line)]}"#) == "total: missing field")
        #expect(problem(SaleRequest.self, #"{"lines":[],"total":{"amount":0,"currency":"EUR"}}"#) == "lines: must list at least one line")
        #expect(problem(SaleRequest.self, #"{"lines":[\#(line)],"total":{"amount":1299,"currency":"USD"}}"#) == "lines[0].unitPrice: currency EUR differs from the total's USD")
        #expect(problem(SaleRequest.self, "{not json") == "not valid JSON")
    }

    @Test func redeemingNeedsACustomer() {
        #expect(problem(SaleRequest.self, #"{"lines":[\#(line)],"total":{"amount":1299,"currency":"EUR"},"pointsRedeemed":5}"#) == "pointsRedeemed: needs a customer or card to redeem from")
    }

    @Test func anOnlineOrderUsingAnOfferNamesItsCustomer() throws {
        let order = #"{"orderId":"W-1","channel":"web","at":"2026-12-01T10:00:00Z","lines":[\#(line)],"total":{"amount":1299,"currency":"EUR"},"#
        #expect(problem(OnlineOrder.self, order + #""offer":"c-1"}"#) == "offer: names an offer but the order names no customer (card, email or phone)")
        let named = try WireCoding.decode(OnlineOrder.self, from: Data((order + #""customer":{"email":"a@example.com"},"offer":"c-1"}"#).utf8))
        #expect(named.offer == CampaignID(rawValue: "c-1"))
        let encoded = try WireCoding.decode(OnlineOrder.self, from: WireCoding.encode(named))
        #expect(encoded == named, "the offer survives the order's stored form")
    }

    @Test func aReturnNeedsTheOriginalReceipt() {
        #expect(problem(ReturnRequest.self, #"{"lines":[\#(line)],"total":{"amount":1299,"currency":"EUR"}}"#) == "originalReceipt: missing field")
    }

    @Test func profileValuesAreValidatedAndNormalised() throws {
        let change = try WireCoding.decode(ProfileRequest.self, from: Data(#"{"customer":"C-1","set":{"email":" Jane@Example.COM ","phone":"+33 6 12-34-56-78","name":null},"addTags":["Running "],"consent":{"sms":"out"}}"#.utf8))
        #expect(change.set[.email] == .some("jane@example.com"))
        #expect(change.set[.phone] == .some("+33612345678"))
        #expect(change.set[.name] == .some(nil))
        #expect(change.addTags == [Tag(rawValue: "running")!])
        #expect(change.consent == [.sms: .optedOut])

        #expect(problem(ProfileRequest.self, #"{"customer":"C-1","set":{"email":"nope"}}"#) == "set.email: not an email address")
        #expect(problem(ProfileRequest.self, #"{"customer":"C-1","set":{"birthday":"2023-02-29"}}"#) == "set.birthday: expected a date YYYY-MM-DD")
        #expect(problem(ProfileRequest.self, #"{"customer":"C-1","set":{"tier":"vip"}}"#)?.hasPrefix("set.tier: unknown field") == true)
        #expect(problem(ProfileRequest.self, #"{"customer":"C-1","erase":true,"addTags":["x"]}"#) == "erase: an erasure cannot be combined with other changes")
        #expect(problem(ProfileRequest.self, #"{"set":{"name":"X"}}"#)?.contains("needs \"customer\" or \"card\"") == true)
        #expect(problem(ProfileRequest.self, #"{"customer":"C-1"}"#)?.contains("nothing to change") == true)
    }

    @Test func journalEntriesRoundTripCanonically() throws {
        let customer = CustomerID(rawValue: "C-1")!
        let entry = JournalEntry(
            id: EntryID(rawValue: "E-1")!, terminal: TerminalID(rawValue: "T-1")!, seq: 4,
            recordedAt: Date(timeIntervalSince1970: 1_795_000_000.5),
            hlc: HLCTimestamp(wallMillis: 1_795_000_000_500, counter: 0, replica: ReplicaID(rawValue: "T-1")!),
            event: .profile(ProfileEvent(customer: customer, set: [.name: "Ann", .email: nil], addTags: [Tag(rawValue: "vip")!]))
        )
        let encoded = try WireCoding.encode(entry)
        let decoded = try WireCoding.decode(JournalEntry.self, from: encoded)
        #expect(decoded == entry)
        #expect(try WireCoding.encode(decoded) == encoded)
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""email":null"#))
    }

    @Test func anEntryStampedByAnotherReplicaIsRefused() throws {
        let json = #"{"id":"E-1","terminal":"T-1","seq":1,"recordedAt":"2026-11-23T10:00:00Z","hlc":"1:0:T-2","kind":"scan","data":{"customer":"C","card":"12345678","enrolled":false}}"#
        #expect(problem(JournalEntry.self, json) == "hlc: timestamp replica T-2 is not the entry's terminal T-1")
    }
}
