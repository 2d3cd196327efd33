import Foundation
import PropertyBased
import Testing
@testable import OmnisyncCore

/// The hub's stored form of a profile state gives back the same lattice value.
@Suite struct CompactStateTests {
    @Test func everyStateRoundTripsThroughItsCompactBytes() async throws {
        await propertyCheck(count: MergePropertyTests.runs, input: MergePropertyTests.history) { steps in
            let history = History(steps)
            for replica in 0..<History.replicas {
                for state in history.states[replica].values {
                    #expect((try? ProfileState(compactBytes: state.compactBytes)) == state)
                }
            }
            for state in history.hub(interleaving: []).states.values {
                var erased = state
                erased.erase(at: HLCTimestamp(wallMillis: 9_000_000_000_000, counter: 0, replica: .hub))
                #expect((try? ProfileState(compactBytes: state.compactBytes)) == state)
                #expect((try? ProfileState(compactBytes: erased.compactBytes)) == erased)
            }
        }
    }

    @Test func damagedBytesAreRefusedNotTrapped() throws {
        var state = ProfileState(id: CustomerID(rawValue: "C-1")!)
        state.write(.tier, "vip", at: HLCTimestamp(wallMillis: 1, counter: 2, replica: .hub))
        let bytes = state.compactBytes
        for length in 0..<bytes.count {
            #expect(throws: CompactReader.Damaged.self) { try ProfileState(compactBytes: Array(bytes.prefix(length))) }
        }
        #expect(throws: CompactReader.Damaged.self) { try ProfileState(compactBytes: bytes + [0]) }
        #expect(throws: CompactReader.Damaged.self) { try ProfileState(compactBytes: [4] + bytes.dropFirst()) }
        // Version 2 promises the offers' sections after the erasure, version 3 the insight's after them.
        #expect(throws: CompactReader.Damaged.self) { try ProfileState(compactBytes: [2] + bytes.dropFirst()) }
        #expect(throws: CompactReader.Damaged.self) { try ProfileState(compactBytes: [3] + bytes.dropFirst()) }
    }
}
