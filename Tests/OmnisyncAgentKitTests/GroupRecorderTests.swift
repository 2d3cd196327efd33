import Foundation
import Testing
@testable import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport

/// The local API's recording path: many concurrent callers, committed in groups.
@Suite struct GroupRecorderTests {
    @Test func concurrentCallersGetGaplessSequenceNumbersAndARefusedRedemptionFailsAlone() async throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        try fixture.synced()
        _ = try fixture.record(.sale, AgentFixture.sale(card: "12345678", cents: 5000))
        let recorder = GroupRecorder(agent: fixture.agent)
        let callers = 120
        let overdraw = 60

        let outcomes = await withTaskGroup(of: (Int, Result<RecordReceipt, AgentError>).self) { group in
            for caller in 0..<callers {
                group.addTask {
                    // One caller tries to redeem 51 of the 50 points; every other records its own enrolment.
                    let json = caller == overdraw
                        ? AgentFixture.sale(card: "12345678", redeemed: 51)
                        : AgentFixture.sale(card: String(format: "CARD%04d", caller))
                    do throws(AgentError) {
                        let request = try RecordRequest.decode(.sale, from: Data(json.utf8))
                        return (caller, .success(try await recorder.record(request)))
                    } catch {
                        return (caller, .failure(error))
                    }
                }
            }
            var outcomes: [Int: Result<RecordReceipt, AgentError>] = [:]
            for await (caller, outcome) in group { outcomes[caller] = outcome }
            return outcomes
        }

        let receipts: [RecordReceipt] = outcomes.values.compactMap { try? $0.get() }
        #expect(receipts.count == callers - 1)
        #expect(Set(receipts.map(\.seq)) == Set(2...Int64(callers)), "every success has its own seq, with no gap")
        #expect(Set(receipts.compactMap(\.customer)).count == callers - 1, "each enrolment is its own customer")
        guard case .failure(let refused)? = outcomes[overdraw] else {
            Issue.record("the overdraw was recorded")
            return
        }
        #expect(refused.code == .insufficientPoints)

        // What was acknowledged is what another process reads back.
        let reopened = try fixture.reopen()
        #expect(try reopened.status().lastSeq == Int64(callers))
        #expect(try reopened.customer(card: CardNumber(rawValue: "12345678")!)?.pointsBalance == 50)
        let report = try reopened.verify()
        #expect(report.isSound, "\(report.problems)")
        #expect(report.entries == Int64(callers))
    }
}
