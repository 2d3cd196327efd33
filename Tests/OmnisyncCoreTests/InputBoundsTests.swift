import Foundation
import PropertyBased
import Testing
@testable import OmnisyncCore

/// Every value that takes part in arithmetic is bounded where it is decoded,
/// with an error naming the field; what accumulates is checked, never trapped.
@Suite struct InputBoundsTests {
    func problem<T: Decodable>(_ type: T.Type, _ json: String) -> String? { decodingProblem(type, json) }

    func sale(quantity: Int64 = 1, price: Int64 = 1299, total: Int64 = 1299, lines: Int = 1, redeemed: Int64? = nil) -> String {
        let line = #"{"sku":"S1","quantity":\#(quantity),"unitPrice":{"amount":\#(price),"currency":"EUR"}}"#
        let redemption = redeemed.map { #","pointsRedeemed":\#($0)"# } ?? ""
        return #"{"card":"12345678","lines":[\#(Array(repeating: line, count: lines).joined(separator: ","))],"total":{"amount":\#(total),"currency":"EUR"}\#(redemption)}"#
    }

    @Test func aTotalAboveItsLinesIsRefusedAndOneBelowIsADiscount() throws {
        #expect(problem(SaleRequest.self, sale(quantity: 2, price: 500, total: 1001))?.hasPrefix("total: 10.01 EUR is more than the lines add up to (10.00 EUR)") == true)
        let discounted = try WireCoding.decode(SaleRequest.self, from: Data(sale(quantity: 2, price: 500, total: 900).utf8))
        #expect(discounted.total.amount == 900)
        #expect(problem(ReturnRequest.self, #"{"originalReceipt":"R-1","lines":[{"sku":"S","quantity":1,"unitPrice":{"amount":5,"currency":"EUR"}}],"total":{"amount":6,"currency":"EUR"}}"#)?.hasPrefix("total:") == true)
    }

    @Test func amountsQuantitiesLinesAndPointsHaveBoundsNamedInTheError() {
        #expect(problem(SaleRequest.self, sale(price: InputBounds.maxAmount + 1, total: 0)) == "lines[0].unitPrice: amount must be between 0 and 1000000000000 minor units")
        #expect(problem(SaleRequest.self, sale(price: Int64.max, total: Int64.max)) == "lines[0].unitPrice: amount must be between 0 and 1000000000000 minor units")
        #expect(problem(SaleRequest.self, sale(quantity: 1_000_001, total: 0)) == "lines[0].quantity: must be between 1 and 1000000")
        #expect(problem(SaleRequest.self, sale(quantity: 1_000_000, price: 1_000_000_000, total: 0))?.hasPrefix("lines[0]: the lines add up to more than") == true)
        #expect(problem(SaleRequest.self, sale(price: 1, total: 1, lines: 1001)) == "lines: has 1001 lines; a receipt may have at most 1000")
        #expect(problem(SaleRequest.self, sale(redeemed: InputBounds.maxPointsPerEntry + 1)) == "pointsRedeemed: must be between 0 and 1000000000000000")
        #expect(problem(SaleRequest.self, sale(redeemed: -1)) == "pointsRedeemed: must be between 0 and 1000000000000000")
        #expect(problem(SaleRequest.self, #"{"lines":[{"sku":"S1","quantity":1e30,"unitPrice":{"amount":1,"currency":"EUR"}}],"total":{"amount":1,"currency":"EUR"}}"#) == "lines[0].quantity: expected an integer")
    }

    @Test func aPolicyOutOfBoundsIsRefusedAndEarningNeverOverflows() {
        #expect(problem(LoyaltyPolicy.self, #"{"pointsPerCurrencyUnit":9223372036854775807}"#)?.hasPrefix("pointsPerCurrencyUnit: must be between 0 and 1000") == true)
        let extreme = LoyaltyPolicy(pointsPerCurrencyUnit: .max)
        #expect(extreme.pointsEarned(by: Money(amount: .max, currency: Currency(rawValue: "EUR")!)) == InputBounds.maxPointsPerEntry)
    }

    @Test func aClockNeverTrapsOnAnExhaustedCounterOrAFarFutureStamp() {
        let replica = ReplicaID(rawValue: "T-1")!
        var clock = HybridLogicalClock(replica: replica, resumingAfter: HLCTimestamp(wallMillis: 5_000, counter: .max, replica: replica))
        let next = clock.tick(wallMillis: 1_000)
        #expect(next == HLCTimestamp(wallMillis: 5_001, counter: 0, replica: replica))
        clock.observe(HLCTimestamp(wallMillis: 9_000, counter: .max, replica: ReplicaID(rawValue: "T-2")!), wallMillis: 1_000)
        #expect(clock.tick(wallMillis: 1_000) > HLCTimestamp(wallMillis: 9_000, counter: .max, replica: ReplicaID(rawValue: "T-2")!))
        #expect(HLCTimestamp("\(Int64.max):0:T-1") == nil, "a stamp past year 9999 is refused")
        #expect(HLCTimestamp("\(InputBounds.maxWallMillis):0:T-1") != nil)
    }

    @Test func tagsAndTagRemovalsPerProfileAreCappedAndARefusalChangesNothing() throws {
        let customer = CustomerID(rawValue: "C-1")!
        let terminal = TerminalID(rawValue: "T-1")!
        var clock = HybridLogicalClock(replica: ReplicaID(terminal))
        var seq: Int64 = 0
        func change(_ event: ProfileEvent) -> JournalEntry {
            seq += 1
            return JournalEntry(id: EntryID(rawValue: "E-\(seq)")!, terminal: terminal, seq: seq, recordedAt: Date(millis: 1_795_000_000_000)!, hlc: clock.tick(wallMillis: 1_795_000_000_000), event: .profile(event))
        }
        var state = ProfileState(id: customer)
        for batch in 0..<5 {
            try state.apply(change(ProfileEvent(customer: customer, addTags: (0..<100).map { Tag(rawValue: "t\(batch)-\($0)")! })))
        }
        #expect(state.tags.elements.count == InputBounds.maxTagsPerProfile)
        let full = state
        #expect(throws: ApplyError(.tooManyTags, "the profile would carry more than 500 tags; remove some first")) {
            try state.apply(change(ProfileEvent(customer: customer, addTags: [Tag(rawValue: "one-more")!])))
        }
        #expect(state == full)

        // A removal cancelling more additions than a profile may remember.
        let stamps = (0...InputBounds.maxTombstonesPerProfile).map { HLCTimestamp(wallMillis: 1_000 + Int64($0), counter: 0, replica: ReplicaID(terminal)) }
        #expect(throws: ApplyError.self) {
            try state.apply(change(ProfileEvent(customer: customer, removeTags: [TagRemoval(tag: Tag(rawValue: "t0-0")!, observed: stamps)])))
        }
        #expect(state == full)
        try state.apply(change(ProfileEvent(customer: customer, removeTags: [TagRemoval(tag: Tag(rawValue: "t0-0")!, observed: Array(stamps.dropFirst()))])))
        #expect(state.tags.removed.count == InputBounds.maxTombstonesPerProfile)
    }

    /// Random sales built from values at and around every bound: each either
    /// decodes within the bounds or is refused with a message naming a field;
    /// applied as often as it takes, a counter is refused, never trapped.
    @Test func extremeSalesAreRefusedOrBoundedAndApplyingThemNeverTraps() async {
        let extremes: [Int64] = [0, 1, -1, 100, 1_000_000, 1_000_001, InputBounds.maxAmount, InputBounds.maxAmount + 1, InputBounds.maxPointsPerEntry, Int64.max, Int64.min]
        let extreme = Gen.int(in: 0...(extremes.count - 1)).map { extremes[$0] }
        await propertyCheck(count: 150, input: extreme, extreme, extreme, extreme, Gen.int(in: 1...3)) { quantity, price, total, redeemed, lines in
            let json = sale(quantity: quantity, price: price, total: total, lines: lines, redeemed: redeemed)
            let request: SaleRequest
            do throws(DecodingProblem) {
                request = try WireCoding.decode(SaleRequest.self, from: Data(json.utf8))
            } catch {
                let named = ["lines", "total", "pointsRedeemed"].contains { error.description.hasPrefix($0) }
                #expect(named, "the refusal names the field: \(error.description)")
                return
            }
            let sum = request.lines.compactMap(\.amount).reduce(0, +)
            #expect(request.lines.allSatisfy { $0.amount != nil })
            #expect((0...sum).contains(request.total.amount) && sum <= InputBounds.maxAmount)
            #expect((0...InputBounds.maxPointsPerEntry).contains(request.pointsRedeemed))

            let customer = CustomerID(rawValue: "C-1")!
            let earned = LoyaltyPolicy(pointsPerCurrencyUnit: InputBounds.maxPointsPerCurrencyUnit).pointsEarned(by: request.total)
            var clock = HybridLogicalClock(replica: ReplicaID(rawValue: "T-1")!)
            var state = ProfileState(id: customer)
            var seq: Int64 = 0
            // The largest redemptions overflow the counter within 9,224 entries: apply until it refuses.
            let overflows = request.pointsRedeemed == InputBounds.maxPointsPerEntry
            var refused = false
            for _ in 0..<(overflows ? 10_000 : 3) {
                seq += 1
                let entry = JournalEntry(
                    id: EntryID(rawValue: "E-\(seq)")!, terminal: TerminalID(rawValue: "T-1")!, seq: seq, recordedAt: Date(millis: 1_795_000_000_000)!,
                    hlc: clock.tick(wallMillis: 1_795_000_000_000),
                    event: .sale(SaleEvent(customer: customer, card: nil, enrolled: false, lines: request.lines, total: request.total, receipt: nil, pointsEarned: earned, pointsRedeemed: request.pointsRedeemed))
                )
                let before = state
                do throws(ApplyError) {
                    try state.apply(entry)
                } catch {
                    #expect(error.code == .pointsOverflow)
                    #expect(state == before, "a refused entry changes nothing")
                    refused = true
                    break
                }
            }
            #expect(refused == overflows)
        }
    }
}

/// What a terminal receives on pull cannot wedge it either.
@Suite struct PullDecodingTests {
    @Test func anUnreadableProfileIsSkippedAndCountedAndABadPolicyKeepsTheOldOne() throws {
        let good = try String(decoding: WireCoding.encode(ProfileState(id: CustomerID(rawValue: "C-1")!)), as: UTF8.self)
        let json = #"{"profiles":[\#(good),{"id":"C-2","cards":"not a list"}],"cursor":"e:7","hasMore":false,"policy":{"pointsPerCurrencyUnit":9223372036854775807},"serverTime":"2026-12-04T10:00:00.000Z"}"#
        let page = try WireCoding.decode(PullResponse.self, from: Data(json.utf8))
        #expect(page.profiles.map(\.id.rawValue) == ["C-1"])
        #expect(page.unreadable.count == 1)
        #expect(page.policy == nil)
        #expect(page.cursor == "e:7")
    }
}
