import Foundation
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// A push authenticated a moment before its terminal is revoked, or its token
/// rotated, is refused when it commits: the check happens again inside the
/// push's transaction, not only at the door.
@Suite struct RevocationRaceTests {
    func authenticatedThenChanged(_ backend: StoreBackend, _ change: (HubFixture, TerminalID) async throws -> Void) async throws -> (HubFixture, HubError?) {
        let hub = try await HubFixture.make(backend)
        let token = try await hub.register("T-1")
        // What the authenticator read when the request arrived.
        let admitted = try #require(try await hub.store.terminal(tokenHash: TerminalToken.hash(token)))
        try await change(hub, admitted.id)
        var factory = EntryFactory(terminal: "T-1")
        let sale = factory.sale(customer: factory.identifier())
        do throws(HubError) {
            _ = try await hub.store.push(IncomingPush(PushRequest(terminal: factory.terminal, backlog: 0, entries: [sale])), from: admitted, contact: TerminalContact(receivedAt: Date(), sentAt: nil))
            return (hub, nil)
        } catch {
            return (hub, error)
        }
    }

    @Test(arguments: StoreBackend.available) func aPushAuthenticatedJustBeforeARevocationIsRefusedAtCommit(_ backend: StoreBackend) async throws {
        let (hub, error) = try await authenticatedThenChanged(backend) { hub, id in _ = try await hub.store.revokeTerminal(id, at: Date()) }
        defer { hub.directory.remove() }
        #expect(error?.code == .terminalRevoked)
        #expect(try await hub.store.status().terminals.first?.acknowledgedSeq == 0, "nothing was stored")
    }

    @Test(arguments: StoreBackend.available) func aPushAuthenticatedWithATokenRotatedMeanwhileIsRefusedAtCommit(_ backend: StoreBackend) async throws {
        let (hub, error) = try await authenticatedThenChanged(backend) { hub, id in
            _ = try await hub.store.rotateToken(id, tokenHash: TerminalToken.hash(TerminalToken.generate()))
        }
        defer { hub.directory.remove() }
        #expect(error?.code == .unauthorized)
        #expect(error?.message.contains("replaced") == true)
        #expect(try await hub.store.status().terminals.first?.acknowledgedSeq == 0, "nothing was stored")
    }
}
