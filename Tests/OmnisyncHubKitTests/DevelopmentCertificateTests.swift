import Foundation
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The development server certificate is renewed from the existing CA, so
/// terminals pinning `ca.pem` keep trusting the hub; a new CA is never minted
/// behind an operator's back.
@Suite struct DevelopmentCertificateTests {
    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aMissingOrExpiringServerCertificateIsReissuedByTheSameCA() throws {
        let scratch = try TemporaryDirectory("dev-ca")
        defer { scratch.remove() }
        let directory = HubDataDirectory(path: scratch.appending("hub"))
        let now = Date()
        #expect(try HubTLS.ensureDevelopmentMaterial(directory, now: now) == .created)
        let ca = try #require(contents(directory.caCertificatePath))
        let firstServer = try #require(contents(directory.serverCertificatePath))
        guard case .kept(let expiry) = try HubTLS.ensureDevelopmentMaterial(directory, now: now) else {
            Issue.record("a fresh certificate was not kept")
            return
        }

        try FileManager.default.removeItem(atPath: directory.serverCertificatePath)
        #expect(try HubTLS.ensureDevelopmentMaterial(directory, now: now) == .renewed(previousExpiry: nil))
        #expect(contents(directory.caCertificatePath) == ca, "the CA terminals pin is unchanged")
        #expect(contents(directory.serverCertificatePath) != firstServer)

        // Three weeks before it expires, the next start renews it.
        let later = expiry.addingTimeInterval(-21 * 86400)
        #expect(try HubTLS.ensureDevelopmentMaterial(directory, now: later) != .kept(expiresAt: expiry))
        let renewed = try #require(contents(directory.serverCertificatePath).flatMap(DevelopmentCertificateAuthority.expiry(ofPEM:)))
        #expect(renewed > later.addingTimeInterval(365 * 86400))
        #expect(contents(directory.caCertificatePath) == ca)
        // And a hub loads it: the chain is the pinned CA's.
        _ = try HubTLS.serverConfiguration(.development(extraHostnames: []), clientCA: directory.caCertificatePath, directory: directory)
    }

    @Test func withoutTheCAKeyOrTheCACertificateItStopsInsteadOfMintingANewCA() throws {
        let scratch = try TemporaryDirectory("dev-ca-broken")
        defer { scratch.remove() }
        let directory = HubDataDirectory(path: scratch.appending("hub"))
        try HubTLS.ensureDevelopmentMaterial(directory)
        let ca = try #require(contents(directory.caCertificatePath))

        try FileManager.default.removeItem(atPath: directory.caKeyPath)
        try FileManager.default.removeItem(atPath: directory.serverCertificatePath)
        #expect(throws: HubError.self) { try HubTLS.ensureDevelopmentMaterial(directory) }
        #expect(contents(directory.caCertificatePath) == ca)

        try FileManager.default.removeItem(atPath: directory.caCertificatePath)
        do {
            try HubTLS.ensureDevelopmentMaterial(directory)
            Issue.record("a new CA was minted while old TLS files remained")
        } catch {
            #expect(error.message.contains("ca.pem is missing"))
        }
    }
}
