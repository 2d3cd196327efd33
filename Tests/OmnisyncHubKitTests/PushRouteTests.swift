import Foundation
import HTTPTypes
import NIOCore
import HummingbirdTesting
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

@Suite struct PushRouteTests {
    @Test(arguments: StoreBackend.available) func resentBatchIsANoOp(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.sale(customer: customer), factory.sale(customer: customer)])
        let (first, second) = try await hub.test { client in
            (try await client.push(batch, token: token), try await client.push(batch, token: token))
        }
        #expect(first.0 == .ok)
        #expect(second.0 == .ok)
        let firstAnswer = try WireCoding.decode(PushResponse.self, from: first.1)
        let secondAnswer = try WireCoding.decode(PushResponse.self, from: second.1)
        #expect(firstAnswer == PushResponse(acknowledgedSeq: 2, stored: 2, duplicates: 0, quarantined: 0))
        #expect(secondAnswer == PushResponse(acknowledgedSeq: 2, stored: 0, duplicates: 2, quarantined: 0))
        // Points counted once: 12 per sale of 12.99 EUR.
        #expect(try await hub.store.customer(id: customer)?.state.pointsBalance == 24)
        #expect(try await hub.store.customer(id: customer)?.activity.orders == 2)
    }

    @Test(arguments: StoreBackend.available) func aGapIsAnsweredWithTheExpectedSequence(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let entries = (0..<5).map { _ in factory.sale(customer: customer) }
        let head = PushRequest(terminal: factory.terminal, backlog: 3, entries: Array(entries[0..<2]))
        let beyondGap = PushRequest(terminal: factory.terminal, backlog: 0, entries: Array(entries[3..<5]))
        let (headAnswer, tail) = try await hub.test { client in
            (try await client.push(head, token: token), try await client.push(beyondGap, token: token))
        }
        #expect(try WireCoding.decode(PushResponse.self, from: headAnswer.1).acknowledgedSeq == 2)
        #expect(tail.0 == .ok)
        let answer = try WireCoding.decode(PushResponse.self, from: tail.1)
        #expect(answer.expectedSeq == 3)
        #expect(answer.acknowledgedSeq == 2)
        #expect(answer.stored == 0)
        let status = try await hub.store.status()
        #expect(status.terminals.first?.acknowledgedSeq == 2)
    }

    @Test(arguments: StoreBackend.available) func aWrongTokenIsRefusedWith401AndAJSONBody(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        _ = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.sale(customer: factory.identifier())])
        let (wrong, missing) = try await hub.test { client in
            (try await client.push(batch, token: "ost_not-a-real-token"), try await client.send(.post, "/v1/push", token: nil, body: Data("{}".utf8)))
        }
        #expect(wrong.0 == .unauthorized)
        #expect(wrong.1.errorCode == "unauthorized")
        #expect(missing.0 == .unauthorized)
        #expect(missing.1.errorCode == "unauthorized")
    }

    @Test(arguments: StoreBackend.available) func aRevokedTerminalIsRefused(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        _ = try await hub.store.revokeTerminal(TerminalID(rawValue: "T-1")!, at: Date())
        let answer = try await hub.test { client in try await client.send(.get, "/v1/pull", token: token) }
        #expect(answer.0 == .unauthorized)
        #expect(answer.1.errorCode == "terminal_revoked")
    }

    @Test(arguments: StoreBackend.available) func pushingAsAnotherTerminalIsForbidden(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        _ = try await hub.register("T-2")
        var other = EntryFactory(terminal: "T-2")
        let batch = PushRequest(terminal: other.terminal, backlog: 0, entries: [other.sale(customer: other.identifier())])
        let answer = try await hub.test { client in try await client.push(batch, token: token) }
        #expect(answer.0 == .forbidden)
        #expect(answer.1.errorCode == "forbidden")
        #expect(try await hub.store.status().terminals.allSatisfy { $0.acknowledgedSeq == 0 })
    }

    @Test(arguments: StoreBackend.available) func entriesOfAnotherTerminalInsideOwnBatchAreForbidden(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var other = EntryFactory(terminal: "T-2")
        let batch = PushRequest(terminal: TerminalID(rawValue: "T-1")!, backlog: 0, entries: [other.sale(customer: other.identifier())])
        let answer = try await hub.test { client in try await client.push(batch, token: token) }
        #expect(answer.0 == .forbidden)
    }

    @Test(arguments: StoreBackend.available) func malformedJSONIs400WithAJSONErrorNamingTheProblem(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        let (garbage, unknownField, wrongType) = try await hub.test { client in
            (
                try await client.send(.post, "/v1/push", token: token, body: Data("{not json".utf8)),
                try await client.send(.post, "/v1/push", token: token, body: Data(#"{"terminal":"T-1","backlog":0,"entries":[],"extra":1}"#.utf8)),
                try await client.send(.post, "/v1/push", token: token, body: Data(#"{"terminal":"T-1","backlog":"many","entries":[]}"#.utf8))
            )
        }
        for answer in [garbage, unknownField, wrongType] {
            #expect(answer.0 == .badRequest)
            #expect(answer.1.errorCode == "malformed_request")
        }
        let message = try WireCoding.decode(ErrorBody.self, from: unknownField.1).error.message
        #expect(message.contains("extra: unknown field"))
        #expect(try WireCoding.decode(ErrorBody.self, from: wrongType.1).error.message.contains("backlog: expected an integer"))
    }

    @Test(arguments: StoreBackend.available) func anOversizedBodyIs413WithAJSONError(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        let huge = Data(repeating: UInt8(ascii: " "), count: (16 << 20) + 1)
        let answer = try await hub.test { client in try await client.send(.post, "/v1/push", token: token, body: huge) }
        #expect(answer.0 == .contentTooLarge)
        #expect(answer.1.errorCode == "payload_too_large")
    }

    @Test(arguments: StoreBackend.available) func aReusedSequenceWithAnotherEntryIsAConflictAndStoresNothing(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var original = EntryFactory(terminal: "T-1")
        var reset = EntryFactory(terminal: "T-1")
        let customer: CustomerID = original.identifier()
        let first = PushRequest(terminal: original.terminal, backlog: 0, entries: [original.sale(customer: customer)])
        let second = PushRequest(terminal: reset.terminal, backlog: 0, entries: [reset.sale(customer: customer), reset.sale(customer: customer)])
        let answer = try await hub.test { client in
            _ = try await client.push(first, token: token)
            return try await client.push(second, token: token)
        }
        #expect(answer.0 == .conflict)
        #expect(answer.1.errorCode == "sequence_conflict")
        #expect(try await hub.store.status().terminals.first?.acknowledgedSeq == 1)
        #expect(try await hub.store.customer(id: customer)?.activity.orders == 1)
    }

    @Test(arguments: StoreBackend.available) func anEntryTheHubCannotReadIsQuarantinedAcknowledgedAndShown(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let good = try String(decoding: WireCoding.encode(factory.sale(customer: factory.identifier())), as: UTF8.self)
        let unreadable = #"{"id":"E-2","terminal":"T-1","seq":2,"recordedAt":"2026-11-23T10:00:00Z","hlc":"1:0:T-1","kind":"layaway","data":{}}"#
        let body = #"{"terminal":"T-1","backlog":0,"entries":[\#(good),\#(unreadable)]}"#
        let answer = try await hub.test { client in try await client.send(.post, "/v1/push", token: token, body: Data(body.utf8)) }
        #expect(answer.0 == .ok)
        let pushed = try WireCoding.decode(PushResponse.self, from: answer.1)
        #expect(pushed.acknowledgedSeq == 2)
        #expect(pushed.quarantined == 1)
        let status = try await hub.store.status()
        #expect(status.quarantined == 1)
        #expect(status.terminals.first?.quarantined == 1)
    }

    @Test(arguments: StoreBackend.available) func anEntryWithOnlyASequenceIsQuarantinedAndItsResendIsANoOp(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        let body = Data(#"{"terminal":"T-1","backlog":0,"entries":[{"seq":1,"kind":"sale"}]}"#.utf8)
        let (first, resent) = try await hub.test { client in
            (try await client.send(.post, "/v1/push", token: token, body: body), try await client.send(.post, "/v1/push", token: token, body: body))
        }
        #expect(first.0 == .ok)
        #expect(try WireCoding.decode(PushResponse.self, from: first.1) == PushResponse(acknowledgedSeq: 1, stored: 1, duplicates: 0, quarantined: 1))
        #expect(resent.0 == .ok)
        #expect(try WireCoding.decode(PushResponse.self, from: resent.1) == PushResponse(acknowledgedSeq: 1, stored: 0, duplicates: 1, quarantined: 0))
        #expect(try await hub.store.status().terminals.first?.quarantined == 1)
    }

    @Test(arguments: StoreBackend.available) func pushRecordsBacklogContactAndClockSkew(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let body = try WireCoding.encode(PushRequest(terminal: factory.terminal, backlog: 42, entries: [factory.sale(customer: factory.identifier())]))
        let ahead = RFC3339.format(Date().addingTimeInterval(3600))
        _ = try await hub.test { client in
            try await client.execute(
                uri: "/v1/push", method: .post,
                headers: [.authorization: "Bearer \(token)", HTTPField.Name("Omnisync-Sent-At")!: ahead],
                body: .init(bytes: body)
            ) { $0.status }
        }
        let terminal = try #require(try await hub.store.status().terminals.first)
        #expect(terminal.reportedBacklog == 42)
        #expect(terminal.lastContact != nil)
        let skew = try #require(terminal.clockSkewSeconds)
        #expect(skew > 3500 && skew <= 3600)
    }
}
