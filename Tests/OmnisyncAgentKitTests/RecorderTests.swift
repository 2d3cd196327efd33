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
        #expect(profile.points.balance == 12)
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
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 5000))
        #expect {
            _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", redeemed: 51))
        } throws: { error in
            (error as? AgentError)?.code == .insufficientPoints && "\(error)".contains("has 50 points")
        }
        #expect(try fixture.agent.status().lastSeq == 1)
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 100, redeemed: 50))
        #expect(try fixture.agent.customer(card: CardNumber(rawValue: "12345678")!)?.points.balance == 1)
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
        #expect(profile.points.netEarned == 0)
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
