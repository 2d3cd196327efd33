import Foundation
import HTTPTypes
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// Terminal tokens: stored only as hashes, replaceable in place, compared in
/// constant time where they are compared as strings (the admin token).
@Suite struct TerminalTokenTests {
    @Test func theHubStoresOnlyTheHashOfATerminalsToken() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        #expect(try await hub.store.terminal(tokenHash: TerminalToken.hash(token))?.id.rawValue == "T-1")
        // Not in the database file nor its WAL: a stolen copy yields no usable token.
        let files = try FileManager.default.contentsOfDirectory(atPath: hub.directory.path).filter { $0.hasPrefix("hub.sqlite") }
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: hub.directory.appending(file)))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "\(file) holds the token in clear")
        }
    }

    @Test func aRotatedTokenReplacesTheOldOneAtOnce() async throws {
        let hub = try HubFixture()
        defer { hub.directory.remove() }
        let old = try await hub.register("T-1")
        let new = TerminalToken.generate()
        _ = try await hub.store.rotateToken(TerminalID(rawValue: "T-1")!, tokenHash: TerminalToken.hash(new))
        let (withOld, withNew) = try await hub.test { client in
            (try await client.send(.get, "/v1/pull", token: old), try await client.send(.get, "/v1/pull", token: new))
        }
        #expect(withOld.0 == .unauthorized && withOld.1.errorCode == "unauthorized")
        #expect(withNew.0 == .ok)

        _ = try await hub.store.revokeTerminal(TerminalID(rawValue: "T-1")!, at: Date())
        await #expect(throws: HubError.self) {
            try await hub.store.rotateToken(TerminalID(rawValue: "T-1")!, tokenHash: TerminalToken.hash(TerminalToken.generate()))
        }
        await #expect(throws: HubError.self) {
            try await hub.store.rotateToken(TerminalID(rawValue: "T-9")!, tokenHash: TerminalToken.hash(TerminalToken.generate()))
        }
    }

    @Test func tokensAreLongRandomAndDistinct() {
        let tokens = (0..<100).map { _ in TerminalToken.generate() }
        #expect(Set(tokens).count == 100)
        #expect(tokens.allSatisfy { $0.hasPrefix("ost_") && $0.count == 4 + 43 })
    }

    @Test func constantTimeEqualityIsEquality() {
        #expect(TerminalToken.constantTimeEquals("osa_abc", "osa_abc"))
        #expect(!TerminalToken.constantTimeEquals("osa_abc", "osa_abd"))
        #expect(!TerminalToken.constantTimeEquals("osa_abc", "osa_ab"))
        #expect(!TerminalToken.constantTimeEquals("", "x"))
        #expect(TerminalToken.constantTimeEquals("", ""))
    }
}
