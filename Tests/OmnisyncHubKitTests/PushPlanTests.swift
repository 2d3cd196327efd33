import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The pure decision behind every push, whatever the storage backend.
@Suite struct PushPlanTests {
    func batch(_ factory: inout EntryFactory, count: Int) -> [IncomingEntry] {
        let customer: CustomerID = factory.identifier()
        return (0..<count).map { _ in IncomingEntry(factory.sale(customer: customer)) }
    }

    @Test func entriesOutOfOrderAreRefused() throws {
        var factory = EntryFactory(terminal: "T-1")
        let entries = batch(&factory, count: 2)
        #expect(throws: HubError.self) {
            _ = try PushPlan(batch: IncomingPush(terminal: factory.terminal, backlog: 0, entries: entries.reversed()), acknowledgedSeq: 0, storedIDs: [:])
        }
    }

    @Test func aBatchOverlappingTheAcknowledgedPrefixStoresOnlyTheNewTail() throws {
        var factory = EntryFactory(terminal: "T-1")
        let entries = batch(&factory, count: 4)
        let stored = Dictionary(uniqueKeysWithValues: entries.prefix(2).map { ($0.seq, $0.id!) })
        let plan = try PushPlan(batch: IncomingPush(terminal: factory.terminal, backlog: 0, entries: entries), acknowledgedSeq: 2, storedIDs: stored)
        #expect(plan.duplicates == 2)
        #expect(plan.accepted.map(\.seq) == [3, 4])
        #expect(plan.acknowledgedSeq == 4)
    }
}
