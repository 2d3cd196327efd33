import Foundation
import GRDB
import HTTPTypes
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Orders from the web shop land in the same customer as the till's sales,
/// found by card, email or phone however each channel typed them; a resend
/// is a no-op; unusable identifiers are quarantined, not guessed at.
@Suite struct OnlineOrderTests {
    let euro = Currency(rawValue: "EUR")!

    func order(_ id: String, channel: String = "web", cents: Int64 = 5000, card: String? = nil, email: String? = nil, phone: String? = nil) -> OnlineOrder {
        let price = Money(amount: cents, currency: euro)
        return OnlineOrder(
            orderID: id, channel: channel, at: Date(millis: 1_796_000_000_000)!,
            customer: .init(card: card, email: email, phone: phone),
            lines: [SaleLine(sku: "SHOES", quantity: 1, unitPrice: price)], total: price
        )
    }

    /// A customer known at a till: a sale with a card, then their email and phone as the cashier typed them.
    func tillCustomer(_ hub: HubFixture) async throws -> CustomerID {
        let token = try await hub.register("T-1")
        var till = EntryFactory(terminal: "T-1")
        let ada: CustomerID = till.identifier()
        _ = try await hub.push([(PushRequest(terminal: till.terminal, backlog: 0, entries: [
            till.sale(customer: ada, card: CardNumber(rawValue: "CARD-ADA-1")!, enrolled: true, cents: 2000),
            till.profile(customer: ada, set: .email, to: "ada@example.com"),
            till.profile(customer: ada, set: .phone, to: "06.12.34.56.78"),
        ]), token)])
        return ada
    }

    @Test func anOnlineOrderFindsTheTillsCustomerByCardEmailOrPhone() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        try await hub.store.setSettings(HubSettings(phoneCountryCode: "33"))
        let ada = try await tillCustomer(hub)
        let outcomes = try await hub.store.recordOnlineOrders([
            order("W-1", card: "CARD-ADA-1"),
            order("W-2", email: "  Ada@Example.COM "),
            order("W-3", phone: "+33 6 12 34 56 78"),
            order("W-4", phone: "0033612345678"),
        ], at: Date())
        #expect(outcomes.map(\.status) == [.applied, .applied, .applied, .applied])
        #expect(outcomes.allSatisfy { $0.customer == ada && !$0.created })

        let record = try #require(try await hub.store.customer(id: ada))
        #expect(record.activity.orders == 5)
        #expect(record.activity.channelOrders == ["store": 1, "web": 4])
        #expect(record.activity.spend == [euro: 2000 + 4 * 5000])
        // Points from the web count on the channel's own counter, beside the till's.
        #expect(record.state.pointsBalance == 20 + 4 * 50)
        // The till's values stay as the till wrote them.
        #expect(record.state.fields[.phone]?.value == "06.12.34.56.78")
    }

    @Test func aResentOrderChangesNothing() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let first = try await hub.store.recordOnlineOrders([order("W-9", email: "new@example.com")], at: Date())
        let again = try await hub.store.recordOnlineOrders([order("W-9", email: "new@example.com")], at: Date())
        #expect(first.first?.status == .applied && first.first?.created == true)
        #expect(again.first?.status == .duplicate && again.first?.customer == first.first?.customer)
        let customer = try #require(first.first?.customer)
        // The same order twice in one batch (an import file that repeats a line) applies once too.
        let twice = try await hub.store.recordOnlineOrders([order("W-10", email: "new@example.com"), order("W-10", email: "new@example.com")], at: Date())
        #expect(twice.map(\.status) == [.applied, .duplicate] && twice.allSatisfy { $0.customer == customer })
        let record = try #require(try await hub.store.customer(id: customer))
        #expect(record.activity.orders == 2)
        #expect(record.state.fields[.email]?.value == "new@example.com")
    }

    @Test func aNewCustomerFromTheWebIsFoundLaterByTheSamePhoneInAnotherFormat() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        try await hub.store.setSettings(HubSettings(phoneCountryCode: "44"))
        let made = try await hub.store.recordOnlineOrders([order("W-1", phone: "+44 20 7946 0958")], at: Date())
        let found = try await hub.store.recordOnlineOrders([order("W-2", channel: "app", phone: "020 7946 0958")], at: Date())
        #expect(made.first?.created == true)
        #expect(found.first?.customer == made.first?.customer && found.first?.created == false)
    }

    @Test func unusableIdentifiersAreQuarantinedNotGuessed() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let outcomes = try await hub.store.recordOnlineOrders([
            order("W-1", email: "ada at example"),
            order("W-2", phone: "06 12 34 56 78"),  // national, and the chain has no country code
            order("W-3", card: "not a card!"),
        ], at: Date())
        #expect(outcomes.map(\.status) == [.quarantined, .quarantined, .quarantined])
        #expect(outcomes[0].reason?.contains("is not an email address") == true)
        #expect(outcomes[1].reason?.contains("policy set --phone-country-code") == true)
        // Personal data is masked in the reason.
        #expect(outcomes[0].reason?.contains("ada at example") == false)

        let database = try DatabaseQueue(path: hub.directory.appending("hub.sqlite"))
        defer { try? database.close() }
        let (kept, orders) = try await database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_quarantine") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders") ?? 0)
        }
        #expect(kept == 3 && orders == 0)

        // Fixed and sent again, the order applies and leaves the quarantine.
        try await hub.store.setSettings(HubSettings(phoneCountryCode: "33"))
        let fixed = try await hub.store.recordOnlineOrders([order("W-2", phone: "06 12 34 56 78")], at: Date())
        #expect(fixed.first?.status == .applied)
        let left = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_quarantine") ?? 0 }
        #expect(left == 2)
    }

    @Test func customersSharingAnEmailOrPhoneAreListedAsDuplicates() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        try await hub.store.setSettings(HubSettings(phoneCountryCode: "33"))
        let ada = try await tillCustomer(hub)
        // Another till enrolled the same person under a new card, with the email typed differently.
        let token = try await hub.register("T-2", store: "S-2")
        var other = EntryFactory(terminal: "T-2")
        let twin: CustomerID = other.identifier()
        _ = try await hub.push([(PushRequest(terminal: other.terminal, backlog: 0, entries: [
            other.sale(customer: twin, card: CardNumber(rawValue: "CARD-ADA-2")!, enrolled: true),
            other.profile(customer: twin, set: .email, to: "ADA@example.com"),
        ]), token)])
        let duplicates = try await hub.store.duplicateContacts()
        #expect(duplicates.map(\.kind) == [.email])
        #expect(duplicates.first?.value == "ada@example.com")
        #expect(Set(duplicates.first?.customers ?? []) == [ada, twin])

        // Merged by an operator, they are one customer and no longer duplicates.
        _ = try await hub.store.mergeCustomers(survivor: ada, absorbed: twin, at: Date())
        #expect(try await hub.store.duplicateContacts().isEmpty)
    }

    @Test func anErasedCustomerIsNeverFoundAgain() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let made = try await hub.store.recordOnlineOrders([order("W-1", email: "gone@example.com")], at: Date())
        let gone = try #require(made.first?.customer)
        _ = try await hub.store.eraseCustomer(gone, at: Date())
        let next = try await hub.store.recordOnlineOrders([order("W-2", email: "gone@example.com")], at: Date())
        #expect(next.first?.customer != gone && next.first?.created == true)
    }

    @Test func theChannelEndpointTakesOrdersOnlyWithTheChannelsToken() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let token = TerminalToken.generate()
        _ = try await hub.store.addChannel("web", tokenHash: TerminalToken.hash(token), at: Date())
        let terminalToken = try await hub.register("T-1")
        let body = Data(#"{"orderId":"W-77","channel":"web","at":"2026-12-01T10:00:00.000Z","customer":{"email":"web@example.com"},"lines":[{"sku":"SHOES","quantity":1,"unitPrice":{"amount":5000,"currency":"EUR"}}],"total":{"amount":5000,"currency":"EUR"}}"#.utf8)
        try await hub.test { client in
            let (noToken, noTokenBody) = try await client.send(.post, "/v1/orders", token: nil, body: body)
            #expect(noToken == .unauthorized && noTokenBody.errorCode == "unauthorized")
            let (wrong, _) = try await client.send(.post, "/v1/orders", token: terminalToken, body: body)
            #expect(wrong == .unauthorized)
            let (ok, answer) = try await client.send(.post, "/v1/orders", token: token, body: body)
            #expect(ok == .ok)
            let outcome = try WireCoding.decode(OnlineOrderOutcome.self, from: answer)
            #expect(outcome.status == .applied && outcome.created)
            let (again, resent) = try await client.send(.post, "/v1/orders", token: token, body: body)
            let resentOutcome = try WireCoding.decode(OnlineOrderOutcome.self, from: resent)
            #expect(again == .ok && resentOutcome.status == .duplicate)
            let foreign = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: #""channel":"web""#, with: #""channel":"app""#).utf8)
            let (forbidden, forbiddenBody) = try await client.send(.post, "/v1/orders", token: token, body: foreign)
            #expect(forbidden == .forbidden && forbiddenBody.errorCode == "forbidden")
            let malformed = Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: #""total":{"amount":5000"#, with: #""total":{"amount":9000"#).utf8)
            let (bad, badBody) = try await client.send(.post, "/v1/orders", token: token, body: malformed)
            #expect(bad == .badRequest && String(decoding: badBody, as: UTF8.self).contains("total"))
            // The terminal routes still refuse the channel's token.
            let (push, _) = try await client.send(.post, "/v1/push", token: token, body: Data("{}".utf8))
            #expect(push == .unauthorized)
        }
        _ = try await hub.store.revokeChannel("web", at: Date())
        try await hub.test { client in
            let (revoked, revokedBody) = try await client.send(.post, "/v1/orders", token: token, body: body)
            #expect(revoked == .unauthorized && revokedBody.errorCode == "channel_revoked")
        }
    }
}
