import Foundation
import OmnisyncTestSupport
import Testing
@testable import OmnisyncCore

@Suite struct JournalEntryRewritingTests {
    /// The hub collects the stamps a batch refers to with `forEachStamp` and
    /// translates them with `mappingStamps`: both must see the same stamps.
    @Test func forEachStampVisitsExactlyTheStampsMappingStampsMaps() {
        var factory = EntryFactory(terminal: "T-1")
        let stamp = { (wall: Int64) in HLCTimestamp(wallMillis: wall, counter: 0, replica: ReplicaID(rawValue: "T-2")!) }
        let entries = [
            factory.sale(customer: CustomerID(rawValue: "C-1")!),
            factory.entry(.profile(ProfileEvent(
                customer: CustomerID(rawValue: "C-1")!, set: [.name: "Ada"], observed: [.name: stamp(1)],
                removeTags: [TagRemoval(tag: Tag(rawValue: "vip")!, observed: [stamp(2), stamp(3)])],
                consent: [.email: ConsentWrite(value: .optedOut, observed: [stamp(4)])]
            ))),
        ]
        for entry in entries {
            var visited: [HLCTimestamp] = []
            entry.forEachStamp { visited.append($0) }
            var mapped: [HLCTimestamp] = []
            _ = entry.mappingStamps { mapped.append($0); return $0 }
            #expect(visited.sorted() == mapped.sorted())
        }
    }
}
