import Foundation
import OmnisyncCore
import OmnisyncHubKit
import Testing

/// Terminals and tokens behave the same on every backend.
@Suite struct TerminalStoreConformanceTests {
    let at = Date(millis: 1_796_000_000_000)!

    @Test(arguments: StoreBackend.available)
    func registrationRevocationAndRotation(_ backend: StoreBackend) async throws {
        let opened = try await backend.open("terminals")
        defer { opened.remove() }
        let store = opened.store
        let t1 = TerminalID(rawValue: "T-1")!
        let added = try await store.addTerminal(t1, store: StoreID(rawValue: "S-1")!, tokenHash: "hash-1", at: at)
        #expect(added.acknowledgedSeq == 0 && !added.isRevoked && added.createdAt == at)
        await #expect(throws: HubError.self) {
            _ = try await store.addTerminal(t1, store: StoreID(rawValue: "S-2")!, tokenHash: "hash-x", at: at)
        }
        _ = try await store.addTerminal(TerminalID(rawValue: "T-0")!, store: StoreID(rawValue: "S-2")!, tokenHash: "hash-0", at: at)
        #expect(try await store.terminals().map(\.id.rawValue) == ["T-0", "T-1"])
        #expect(try await store.terminal(tokenHash: "hash-1")?.id == t1)
        #expect(try await store.terminal(tokenHash: "nobody") == nil)

        // A new token replaces the old one; the terminal keeps its id.
        let rotated = try await store.rotateToken(t1, tokenHash: "hash-2")
        #expect(rotated.tokenHash == "hash-2")
        #expect(try await store.terminal(tokenHash: "hash-1") == nil)
        #expect(try await store.terminal(tokenHash: "hash-2")?.id == t1)

        // Revocation is final and keeps its first time.
        let revoked = try await store.revokeTerminal(t1, at: at.addingTimeInterval(60))
        #expect(revoked.revokedAt == at.addingTimeInterval(60))
        #expect(try await store.revokeTerminal(t1, at: at.addingTimeInterval(120)).revokedAt == at.addingTimeInterval(60))
        let refused = await #expect(throws: HubError.self) { _ = try await store.rotateToken(t1, tokenHash: "hash-3") }
        #expect(refused?.code == .terminalRevoked)
        let unknown = await #expect(throws: HubError.self) { _ = try await store.revokeTerminal(TerminalID(rawValue: "T-9")!, at: at) }
        #expect(unknown?.code == .unknownTerminal)
    }

    @Test(arguments: StoreBackend.available)
    func policiesAndSettings(_ backend: StoreBackend) async throws {
        let opened = try await backend.open("settings")
        defer { opened.remove() }
        let store = opened.store
        let s1 = StoreID(rawValue: "S-1")!
        #expect(try await store.policy(for: s1) == LoyaltyPolicy.default)
        var chain = LoyaltyPolicy.default
        chain.pointsPerCurrencyUnit = 3
        try await store.setPolicy(chain, for: nil)
        var own = LoyaltyPolicy.default
        own.offlineRedemptionAllowance = 777
        try await store.setPolicy(own, for: s1)
        #expect(try await store.policy(for: s1) == own)
        #expect(try await store.policy(for: StoreID(rawValue: "S-2")!) == chain)
        let all = try await store.policies()
        #expect(all.chain == chain && all.stores == [s1: own])

        #expect(try await store.settings() == HubSettings.default)
        var settings = HubSettings.default
        settings.clockToleranceSeconds = 42
        settings.phoneCountryCode = "33"
        try await store.setSettings(settings)
        #expect(try await store.settings() == settings)
    }
}
