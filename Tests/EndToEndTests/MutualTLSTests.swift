import Foundation
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// A hub that requires client certificates admits a terminal only with the
/// certificate issued to it, and the agent says plainly what is wrong when not.
@Suite(.serialized, .timeLimit(.minutes(5))) struct MutualTLSTests {
    let sale = #"{"lines":[{"sku":"A","quantity":1,"unitPrice":{"amount":500,"currency":"EUR"}}],"total":{"amount":500,"currency":"EUR"}}"#

    @Test func aHubRequiringClientCertificatesAdmitsOnlyEachTerminalsOwn() async throws {
        let scratch = try TemporaryDirectory("e2e-mtls")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hub = try await HubProcess.start(dataDirectory: scratch.appending("hub"), extraArguments: ["--require-client-certificate"])
        let tokenOne = try await cli.register("T-1", store: "S-1", hubDirectory: hub.dataDirectory)
        let tokenTwo = try await cli.register("T-2", store: "S-1", hubDirectory: hub.dataDirectory)
        let certificates = scratch.appending("certs")
        try FileManager.default.createDirectory(atPath: certificates, withIntermediateDirectories: true)
        let issued = try cli.json(try await cli.hub("certificates", "issue", "T-1", "--out", certificates, "--data-dir", hub.dataDirectory, "--json"))
        let certificateOne = try #require(issued["certificate"] as? String)
        let keyOne = try #require(issued["key"] as? String)
        #expect(try permissions(keyOne) == 0o600)

        // No certificate: refused in the TLS handshake, said in words; the sale waits.
        let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent-1"))
        try await agent.initialise(hub: hub, terminal: "T-1", store: "S-1", token: tokenOne)
        _ = try await agent.record("sale", sale)
        let refused = try await agent.run("sync")
        #expect(refused.status == 1, "exit \(refused.status): \(refused.stderr)")
        #expect(refused.stderr.contains("hub refused this terminal's client certificate"), "\(refused.stderr)")
        let waiting = try await agent.status()
        #expect(waiting["pending"] as? Int == 1)
        #expect((waiting["lastError"] as? String)?.contains("client certificate") == true)

        // With its own certificate the terminal syncs; the key is kept owner-only.
        let installed = try await agent.run(
            "init", "--hub", hub.url, "--terminal", "T-1", "--store", "S-1", "--token", tokenOne, "--ca-file", hub.caFile,
            "--client-cert", certificateOne, "--client-key", keyOne
        )
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(try permissions(agent.dataDirectory + "/client-key.pem") == 0o600)
        let synced = try await agent.run("sync")
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try await agent.status()["pending"] as? Int == 0)

        // Another terminal's token with T-1's certificate: refused by the hub.
        let borrower = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent-2"))
        let borrowed = try await borrower.run(
            "init", "--hub", hub.url, "--terminal", "T-2", "--store", "S-1", "--token", tokenTwo, "--ca-file", hub.caFile,
            "--client-cert", certificateOne, "--client-key", keyOne
        )
        #expect(borrowed.status == 0, "\(borrowed.stderr)")
        _ = try await borrower.record("sale", sale)
        let mismatch = try await borrower.run("sync")
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("issued to 'T-1'") && mismatch.stderr.contains("terminal T-2"), "\(mismatch.stderr)")

        // A certificate from a CA the hub does not trust: refused in the handshake.
        let foreignCA = try DevelopmentCertificateAuthority.generate(hostnames: ["localhost"])
        let foreign = try DevelopmentCertificateAuthority.issueClientCertificate(
            name: "T-2", caCertificatePEM: foreignCA.caCertificatePEM, caKeyPEM: foreignCA.caKeyPEM, validFor: 30
        )
        try foreign.certificatePEM.write(toFile: certificates + "/foreign.pem", atomically: true, encoding: .utf8)
        try foreign.keyPEM.write(toFile: certificates + "/foreign-key.pem", atomically: true, encoding: .utf8)
        let reinstalled = try await borrower.run(
            "init", "--hub", hub.url, "--terminal", "T-2", "--store", "S-1", "--token", tokenTwo, "--ca-file", hub.caFile,
            "--client-cert", certificates + "/foreign.pem", "--client-key", certificates + "/foreign-key.pem"
        )
        #expect(reinstalled.status == 0, "\(reinstalled.stderr)")
        let untrusted = try await borrower.run("sync")
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("hub refused this terminal's client certificate"), "\(untrusted.stderr)")
        #expect(try await borrower.status()["pending"] as? Int == 1)

        // Half a credential is a usage error, not a silent plain-TLS agent.
        let half = try await borrower.run(
            "init", "--hub", hub.url, "--terminal", "T-2", "--store", "S-1", "--token", tokenTwo, "--client-cert", certificateOne
        )
        #expect(half.status == 2)
        #expect(half.stderr.contains("--client-cert and --client-key go together"))
        await hub.stop()
    }

    private func permissions(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }
}
