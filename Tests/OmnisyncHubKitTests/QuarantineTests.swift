import Foundation
import HTTPTypes
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

@Suite struct QuarantineTests {
    @Test(arguments: StoreBackend.available) func aSaleBeyondThePolicyIsQuarantinedAcknowledgedAndAppliedAfterTheFix(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: [
            factory.overEarningSale(customer: customer, points: 100), factory.sale(customer: customer, cents: 1000),
        ])
        let answers = try await hub.push([(batch, token)])
        // Acknowledged, so the terminal moves on; the entry after it is applied.
        #expect(answers == [PushResponse(acknowledgedSeq: 2, stored: 2, duplicates: 0, quarantined: 1)])
        #expect(try await hub.store.customer(id: customer)?.state.pointsBalance == 10)
        let listed = try await hub.store.quarantined()
        #expect(listed.count == 1)
        #expect(listed.first?.seq == 1)
        #expect(listed.first?.reason.contains("earns 100 points") == true)

        // Retrying without a fix changes nothing.
        let unchanged = try await hub.store.retryQuarantined(terminal: nil, seq: nil, accept: false, at: Date())
        #expect(unchanged.map(\.applied) == [false])
        // Head office restores the policy the terminal was using: the retry applies it.
        try await hub.store.setPolicy(LoyaltyPolicy(pointsPerCurrencyUnit: 10), for: nil)
        let retried = try await hub.store.retryQuarantined(terminal: TerminalID(rawValue: "T-1")!, seq: 1, accept: false, at: Date())
        #expect(retried == [RetryOutcome(terminal: TerminalID(rawValue: "T-1")!, seq: 1, applied: true, reason: nil)])
        #expect(try await hub.store.customer(id: customer)?.state.pointsBalance == 110)
        #expect(try await hub.store.quarantined().isEmpty)
        #expect(try await hub.store.status().quarantined == 0)
    }

    @Test(arguments: StoreBackend.available) func anOperatorCanAcceptAPolicyExceptionAsItIs(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.overEarningSale(customer: customer, points: 25)]), token)])
        let accepted = try await hub.store.retryQuarantined(terminal: nil, seq: nil, accept: true, at: Date())
        #expect(accepted.map(\.applied) == [true])
        #expect(try await hub.store.customer(id: customer)?.state.pointsBalance == 25)
    }

    @Test(arguments: StoreBackend.available) func anUnreadableEntryStaysQuarantinedOnRetryWithItsReason(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        let body = #"{"terminal":"T-1","backlog":0,"entries":[{"seq":1,"id":"E-1","terminal":"T-1","kind":"layaway","data":{}}]}"#
        let answer = try await hub.test { client in try await client.send(.post, "/v1/push", token: token, body: Data(body.utf8)) }
        #expect(answer.0 == .ok)
        let outcome = try await hub.store.retryQuarantined(terminal: TerminalID(rawValue: "T-1")!, seq: nil, accept: true, at: Date())
        #expect(outcome.first?.applied == false)
        #expect(outcome.first?.reason?.hasPrefix("cannot decode") == true)
        #expect(try await hub.store.quarantined().first?.kind == nil)
        await #expect(throws: HubError.self) {
            _ = try await hub.store.retryQuarantined(terminal: TerminalID(rawValue: "T-9")!, seq: nil, accept: false, at: Date())
        }
    }
}

@Suite struct HashChainTests {
    @Test(arguments: StoreBackend.available) func anEntryThatDoesNotFollowTheStoredOneIsQuarantinedUntilAccepted(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let first = factory.sale(customer: customer, cents: 1000)
        var forged = factory.sale(customer: customer, cents: 1000)
        let third = factory.sale(customer: customer, cents: 1000)
        forged.previousHash = String(repeating: "0", count: 64)
        // Its successor links to the forged entry as sent: the chain resumes from it.
        var relinked = third
        relinked.previousHash = try ChainHash.of(forged)
        let answers = try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: [first, forged, relinked]), token)])
        #expect(answers.first?.acknowledgedSeq == 3)
        #expect(answers.first?.quarantined == 1)
        #expect(try await hub.store.quarantined().first?.reason.contains("hash chain broken at seq 2") == true)
        #expect(try await hub.store.customer(id: customer)?.state.pointsBalance == 20)

        let plain = try await hub.store.retryQuarantined(terminal: nil, seq: nil, accept: false, at: Date())
        #expect(plain.map(\.applied) == [false])
        let accepted = try await hub.store.retryQuarantined(terminal: nil, seq: nil, accept: true, at: Date())
        #expect(accepted.map(\.applied) == [true])
        #expect(try await hub.store.customer(id: customer)?.state.pointsBalance == 30)
    }
}
