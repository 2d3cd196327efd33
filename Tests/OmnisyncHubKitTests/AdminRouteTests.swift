import Foundation
import HTTPTypes
import HummingbirdTesting
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

@Suite struct AdminRouteTests {
    @Test(arguments: StoreBackend.available) func adminEndpointsNeedTheAdminTokenNotATerminalToken(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let terminalToken = try await hub.register("T-1")
        let (asTerminal, asNobody, asAdmin) = try await hub.test { client in
            (
                try await client.send(.get, "/v1/admin/status", token: terminalToken),
                try await client.send(.get, "/v1/admin/status", token: nil),
                try await client.send(.get, "/v1/admin/status", token: hub.adminToken)
            )
        }
        #expect(asTerminal.0 == .unauthorized)
        #expect(asNobody.0 == .unauthorized)
        #expect(asAdmin.0 == .ok)
        let status = try JSONSerialization.jsonObject(with: asAdmin.1) as? [String: Any]
        #expect((status?["terminals"] as? [[String: Any]])?.first?["terminal"] as? String == "T-1")
    }

    @Test(arguments: StoreBackend.available) func theCustomerViewMasksPersonalDataUnlessRevealed(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: [
            factory.profile(customer: customer, set: .email, to: "ann@example.com"), factory.sale(customer: customer),
        ])
        let (masked, revealed, missing) = try await hub.test { client in
            _ = try await client.push(batch, token: token)
            return (
                try await client.send(.get, "/v1/admin/customers/\(customer)", token: hub.adminToken),
                try await client.send(.get, "/v1/admin/customers/\(customer)?reveal=true", token: hub.adminToken),
                try await client.send(.get, "/v1/admin/customers/nobody", token: hub.adminToken)
            )
        }
        let maskedView = try JSONSerialization.jsonObject(with: masked.1) as? [String: Any]
        #expect(maskedView?["email"] as? String == "a***@example.com")
        #expect((maskedView?["activity"] as? [String: Any])?["orders"] as? Int == 1)
        let revealedView = try JSONSerialization.jsonObject(with: revealed.1) as? [String: Any]
        #expect(revealedView?["email"] as? String == "ann@example.com")
        #expect(missing.0 == .notFound && missing.1.errorCode == "not_found")
    }

    @Test(arguments: StoreBackend.available) func unknownRoutesAnswerWithAJSONError(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let answer = try await hub.test { client in try await client.send(.get, "/v2/nothing", token: nil) }
        #expect(answer.0 == .notFound)
        #expect(answer.1.errorCode == "not_found")
    }
}
