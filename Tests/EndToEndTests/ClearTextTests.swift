import Foundation
import GRDB
import OmnisyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A typo must not send the terminal's token and customers' personal data in
/// clear text: `init` refuses `http://`, and an agent whose data dir still
/// names an `http://` hub refuses to connect at all.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ClearTextTests {
    @Test func initRefusesAnHTTPHub() async throws {
        let scratch = try TemporaryDirectory("e2e-cleartext-init")
        defer { scratch.remove() }
        let agent = AgentCLI(commandLine: try CommandLine(), dataDirectory: scratch.appending("agent"))
        for url in ["http://127.0.0.1:8443", "HTTP://hub.example", "ftp://hub.example", "hub.example:8443"] {
            let refused = try await agent.run("init", "--hub", url, "--terminal", "T-1", "--store", "S-1", "--token", "ost_x")
            #expect(refused.status == 1, "\(url) was accepted")
            #expect(refused.stderr.contains("must start with https://"), "\(refused.stderr)")
        }
    }

    @Test func anAgentWhoseDataDirNamesAnHTTPHubNeverConnects() async throws {
        let scratch = try TemporaryDirectory("e2e-cleartext-sync")
        defer { scratch.remove() }
        let agent = AgentCLI(commandLine: try CommandLine(), dataDirectory: scratch.appending("agent"))
        #expect(try await agent.run("init", "--hub", "https://127.0.0.1:1", "--terminal", "T-1", "--store", "S-1", "--token", "ost_secret").status == 0)
        _ = try await agent.record("scan", #"{"card":"12345678"}"#)

        // A listener that would receive the token if the agent spoke to it.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        #expect(listen(listener, 8) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))

        // A data dir written before https was enforced.
        let database = try DatabaseQueue(path: agent.dataDirectory + "/journal.sqlite")
        try await database.write { db in try db.execute(sql: "UPDATE agent_state SET hub = ?", arguments: ["http://127.0.0.1:\(port)"]) }
        try database.close()

        let sync = try await agent.run("sync")
        #expect(sync.status != 0)
        #expect(sync.stderr.contains("not https://"), "\(sync.stderr)")
        var pending = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pending, 1, 0) == 0, "the agent connected to a clear-text hub")
        #expect(try await agent.status()["pending"] as? Int == 1, "the entry waits, unsent")
    }
}
