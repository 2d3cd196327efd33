import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Concurrent pushes share transactions at the SQLite store; each is still
/// answered for itself, and one that fails takes none of the others with it.
@Suite struct GroupCommitTests {
    @Test func concurrentPushesAreEachAcknowledgedAndAFailingOneFailsAlone() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let names = (0..<30).map { String(format: "T-%02d", $0) }
        for name in names { _ = try await hub.register(name) }
        let terminals = Dictionary(uniqueKeysWithValues: try await hub.store.terminals().map { ($0.id.rawValue, $0) })

        // T-00 already holds seq 1; its concurrent push reuses it with another entry.
        var original = EntryFactory(terminal: "T-00")
        let victim: CustomerID = original.identifier()
        _ = try await hub.store.push(
            IncomingPush(PushRequest(terminal: original.terminal, backlog: 0, entries: [original.sale(customer: victim)])),
            from: terminals["T-00"]!, contact: TerminalContact(receivedAt: Date(), sentAt: nil)
        )
        var reset = EntryFactory(terminal: "T-00")
        var batches: [(String, IncomingPush, CustomerID)] = [
            ("T-00", IncomingPush(PushRequest(terminal: reset.terminal, backlog: 0, entries: [reset.sale(customer: victim), reset.sale(customer: victim)])), victim)
        ]
        for name in names.dropFirst() {
            var factory = EntryFactory(terminal: name)
            let customer: CustomerID = factory.identifier()
            let entries = (0..<3).map { _ in factory.sale(customer: customer) }
            batches.append((name, IncomingPush(PushRequest(terminal: factory.terminal, backlog: 0, entries: entries)), customer))
        }

        let store = hub.store
        let outcomes = await withTaskGroup(of: (String, Result<PushResponse, HubError>).self) { group in
            for (name, batch, _) in batches {
                let terminal = terminals[name]!
                group.addTask {
                    do throws(HubError) {
                        return (name, .success(try await store.push(batch, from: terminal, contact: TerminalContact(receivedAt: Date(), sentAt: nil))))
                    } catch {
                        return (name, .failure(error))
                    }
                }
            }
            var outcomes: [String: Result<PushResponse, HubError>] = [:]
            for await (name, outcome) in group { outcomes[name] = outcome }
            return outcomes
        }

        guard case .failure(let error) = outcomes["T-00"] else {
            Issue.record("the conflicting push was accepted: \(String(describing: outcomes["T-00"]))")
            return
        }
        #expect(error.code == .sequenceConflict)
        for name in names.dropFirst() {
            #expect((try? outcomes[name]?.get())?.acknowledgedSeq == 3, "\(name): \(String(describing: outcomes[name]))")
        }
        let status = try await store.status()
        #expect(status.terminals.map(\.acknowledgedSeq) == [1] + Array(repeating: 3, count: names.count - 1))
        for (name, _, customer) in batches {
            #expect(try await store.customer(id: customer)?.activity.orders == (name == "T-00" ? 1 : 3), "\(name)")
        }
    }
}
