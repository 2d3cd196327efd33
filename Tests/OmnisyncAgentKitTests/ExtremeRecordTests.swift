import Foundation
import OmnisyncAgentKit
import OmnisyncCore
import OmnisyncTestSupport
import PropertyBased
import Testing

/// What `record` accepts can never wedge the terminal: extreme values are
/// refused with the field named, and what is recorded stays within bounds,
/// however often it is repeated, with a journal that verifies.
@Suite struct ExtremeRecordTests {
    static let extremes: [Int64] = [
        0, 1, -1, 100, 1_000_000, 1_000_001, InputBounds.maxAmount, InputBounds.maxAmount + 1, InputBounds.maxPointsPerEntry, Int64.max, Int64.min,
    ]
    static let extreme = Gen.int(in: 0...(extremes.count - 1)).map { extremes[$0] }

    @Test func extremeSalesAreRefusedNamingTheFieldOrRecordedWithinBounds() async throws {
        let fixture = try AgentFixture()
        defer { fixture.directory.remove() }
        // The highest earning rate, and an allowance as large as a policy may set.
        try fixture.synced(policy: LoyaltyPolicy(pointsPerCurrencyUnit: InputBounds.maxPointsPerCurrencyUnit, offlineRedemptionAllowance: InputBounds.maxPointsPerEntry))
        var recorded: Int64 = 0
        await propertyCheck(count: 120, input: Self.extreme, Self.extreme, Self.extreme, Self.extreme) { quantity, price, total, redeemed in
            let json = #"{"card":"12345678","lines":[{"sku":"X","quantity":\#(quantity),"unitPrice":{"amount":\#(price),"currency":"EUR"}}],"total":{"amount":\#(total),"currency":"EUR"},"pointsRedeemed":\#(redeemed)}"#
            do throws(AgentError) {
                let request = try RecordRequest.decode(.sale, from: Data(json.utf8))
                // Twice: the same sale again must not overflow anything either.
                for _ in 0..<2 {
                    do throws(AgentError) {
                        _ = try fixture.agent.record(request)
                        recorded += 1
                    } catch {
                        #expect([.insufficientPoints, .invalidInput].contains(error.code), "\(error)")
                    }
                }
            } catch {
                #expect(error.code == .invalidInput)
                #expect(["lines", "total", "pointsRedeemed"].contains { error.message.contains($0) }, "the refusal names the field: \(error.message)")
            }
        }
        let report = try fixture.agent.verify()
        #expect(report.isSound, "\(report.problems)")
        #expect(report.entries == recorded)
    }
}
