import Foundation
import GRDB
import Testing
@testable import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport

@Suite struct RecorderTests {
    @Test func anUnknownCardEnrolsOneCustomerAndIsRecognisedAfterwards() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let first = try fixture.record(.scan, #"{"card":"1234 5678"}"#)
        let second = try fixture.record(.sale, AgentFixture.sale(card: "12345678"))
        #expect(first.enrolled)
        #expect(!second.enrolled)
        #expect(first.customer == second.customer)
        let profile = try #require(try fixture.agent.customer(card: CardNumber(rawValue: "12345678")!))
        #expect(profile.id == first.customer)
        #expect(profile.pointsBalance == 12)
    }

    @Test func aCardCannotBeRecordedForAnotherCustomer() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let owner = try fixture.record(.scan, #"{"card":"12345678"}"#)
        #expect {
            _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", customer: "someone-else"))
        } throws: { error in
            (error as? AgentError)?.code == .cardConflict && "\(error)".contains(owner.customer!.rawValue)
        }
    }

    @Test func redeemingMoreThanTheKnownBalanceIsRefusedAndNothingIsRecorded() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        try fixture.synced()
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 5000))
        #expect {
            _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", redeemed: 51))
        } throws: { error in
            (error as? AgentError)?.code == .insufficientPoints && "\(error)".contains("has 50 points")
        }
        #expect(try fixture.agent.status().lastSeq == 1)
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 100, redeemed: 50))
        #expect(try fixture.agent.customer(card: CardNumber(rawValue: "12345678")!)?.pointsBalance == 1)
    }

    @Test func offlineRedemptionMayOverdrawByTheStoresAllowanceAndNoMore() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        try fixture.synced(policy: LoyaltyPolicy(offlineRedemptionAllowance: 20))
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 3000))
        #expect {
            _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", redeemed: 51))
        } throws: { error in
            (error as? AgentError)?.code == .insufficientPoints && "\(error)".contains("offline allowance 20")
        }
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 100, redeemed: 50))
        #expect(try fixture.agent.customer(card: CardNumber(rawValue: "12345678")!)?.pointsBalance == -19)
    }

    @Test func redemptionNeedsARecentEnoughSync() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 3000))
        #expect {
            _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", redeemed: 5))
        } throws: { error in
            "\(error)".contains("never synced")
        }
        try fixture.synced(at: Date().addingTimeInterval(-2 * 3600), policy: LoyaltyPolicy(maxRedemptionStaleness: 3600))
        #expect {
            _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", redeemed: 5))
        } throws: { error in
            "\(error)".contains("last synced 120 minutes ago")
        }
        try fixture.synced(at: Date().addingTimeInterval(-600), policy: LoyaltyPolicy(maxRedemptionStaleness: 3600))
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", redeemed: 5))
    }

    @Test func aProfileEditRecordsTheValuesItsWriterHadSeen() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let first = try fixture.record(.profile, #"{"card":"12345678","set":{"name":"Ann"},"consent":{"email":"in"}}"#)
        _ = try fixture.record(.profile, #"{"card":"12345678","set":{"name":"Anne","email":"a@example.com"},"consent":{"email":"out"}}"#)
        let entries = try fixture.agent.database.read { db in
            try Journal.pendingEntries(db, terminal: TerminalID(rawValue: "T-1")!, acknowledgedSeq: 0)
        }
        guard case .profile(let edit) = entries[1].event else {
            Issue.record("expected a profile entry")
            return
        }
        #expect(edit.observed[.name] == entries[0].hlc)
        #expect(edit.observed[.email] == nil)
        #expect(edit.consent[.email]?.observed == [entries[0].hlc])
        let profile = try #require(try fixture.agent.customer(id: first.customer!))
        #expect(profile.consent[.email]?.value == .optedOut)
        #expect(!profile.consent[.email]!.isContested)
    }

    @Test func adoptingTheHubsStateKeepsPendingEntriesOnTop() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let enrolment = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 1000))
        let customer = try #require(enrolment.customer)
        // The hub knows the customer from another store: 40 points and a name.
        var remote = ProfileState(id: customer)
        let elsewhere = JournalEntry(
            id: EntryID(rawValue: "E-9")!, terminal: TerminalID(rawValue: "T-9")!, seq: 1, recordedAt: Date(),
            hlc: HLCTimestamp(wallMillis: 1, counter: 0, replica: ReplicaID(rawValue: "T-9")!),
            event: .profile(ProfileEvent(customer: customer, set: [.name: "Ann"]))
        )
        try remote.apply(elsewhere)
        try fixture.agent.database.write { db in
            let pending = try Journal.pendingEntries(db, terminal: TerminalID(rawValue: "T-1")!, acknowledgedSeq: 0)
            try LocalProfileStore.adopt(db, remote, pending: pending)
        }
        let local = try #require(try fixture.agent.customer(id: customer))
        #expect(local.value(of: .name) == "Ann")
        #expect(local.pointsBalance == 10)
        #expect(local.cards == [CardNumber(rawValue: "12345678")!])
    }

    @Test func returnsTakeBackAtMostWhatTheSaleEarnedAcrossPartialReturns() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let sale = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 3000, receipt: "R-1"))
        let line = #"[{"sku":"SKU-1","quantity":1,"unitPrice":{"amount":2000,"currency":"EUR"}}]"#
        let returnJSON = #"{"lines":\#(line),"total":{"amount":2000,"currency":"EUR"},"originalReceipt":"R-1"}"#
        let firstReturn = try fixture.record(.return, returnJSON)
        #expect(firstReturn.customer == sale.customer)
        _ = try fixture.record(.return, returnJSON)
        let profile = try #require(try fixture.agent.customer(id: sale.customer!))
        // 30 earned; the first return takes back 20, the second only the 10 left.
        #expect(profile.pointsEarned == 0)
    }

    @Test func aTagRemovalCarriesTheAdditionsTheTerminalHadSeen() throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        let enrolment = try fixture.record(.profile, #"{"card":"12345678","addTags":["vip"]}"#)
        _ = try fixture.record(.profile, #"{"card":"12345678","removeTags":["vip"]}"#)
        let profile = try #require(try fixture.agent.customer(id: enrolment.customer!))
        #expect(profile.tags.elements.isEmpty)
        let bodies = try fixture.agent.database.read { db in
            try Journal.entries(db, terminal: TerminalID(rawValue: "T-1")!, after: 1, limit: 1)
        }
        guard case .profile(let removal) = try WireCoding.decode(JournalEntry.self, from: bodies[0].body).event else {
            Issue.record("expected a profile entry")
            return
        }
        #expect(removal.removeTags.first?.observed.count == 1)
    }

    @Test func invalidJSONIsRefusedWithOneLineNamingTheField() {
        #expect {
            _ = try RecordRequest.decode(.sale, from: Data(#"{"lines":[],"total":{"amount":1,"currency":"EUR"}}"#.utf8))
        } throws: { error in
            "\(error)" == "invalid sale: lines: must list at least one line"
        }
    }
}
