import Foundation
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Silent, half-open and excess connections cannot starve the hub: they are
/// closed within the configured time limits while terminals keep syncing.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ConnectionLimitTests {
    static let sale = #"{"card":"27182818","lines":[{"sku":"E","quantity":1,"unitPrice":{"amount":271,"currency":"EUR"}}],"total":{"amount":271,"currency":"EUR"}}"#

    /// Waits until the server has closed `wanted` of `sockets` (an end of
    /// file or a reset), at most `seconds`; returns those it closed by then.
    static func closedByServer(_ sockets: [Int32], wanted: Int, within seconds: Double) -> Set<Int32> {
        let deadline = Date().addingTimeInterval(seconds)
        var closed = Set<Int32>()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while closed.count < wanted && Date() < deadline {
            var events = sockets.filter { !closed.contains($0) }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&events, nfds_t(events.count), Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { continue }
            for event in events where event.revents != 0 {
                let count = recv(event.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { closed.insert(event.fd) }
            }
        }
        return closed
    }

    @Test func silentAndHalfOpenConnectionsAreDroppedWhileATerminalKeepsSyncing() async throws {
        let scratch = try TemporaryDirectory("e2e-silent")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hub = try await HubProcess.start(dataDirectory: scratch.appending("hub"), extraArguments: ["--tls-handshake-timeout", "2", "--idle-timeout", "3"])
        let token = try await cli.register("T-1", store: "S-1", hubDirectory: hub.dataDirectory)
        let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent"))
        try await agent.initialise(hub: hub, terminal: "T-1", store: "S-1", token: token)

        // A thousand connections that never send a byte, and 20 that stop half-way through a TLS ClientHello
        // (this process may need to open more files than a default soft limit allows).
        #expect(FileLimit.raiseAndFit(2_000) >= 1_100, "the test needs about 1,100 descriptors")
        let silent = (0..<1_000).map { _ in LoopbackSocket.connect(port: hub.port) }
        let halfOpen = (0..<20).map { _ in LoopbackSocket.connect(port: hub.port) }
        defer { (silent + halfOpen).forEach { close($0) } }
        #expect((silent + halfOpen).allSatisfy { $0 >= 0 })
        for socket in halfOpen {
            let partialHello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01]
            _ = send(socket, partialHello, partialHello.count, Int32(MSG_NOSIGNAL))
        }

        // A terminal syncs normally meanwhile.
        _ = try await agent.record("sale", Self.sale)
        let synced = try await agent.run("sync")
        #expect(synced.status == 0, "sync failed beside silent connections: \(synced.stderr)")
        #expect(try await agent.status()["pending"] as? Int == 0)

        // Every silent and half-open one is dropped well within a minute.
        let all = silent + halfOpen
        let closed = Self.closedByServer(all, wanted: all.count, within: 30)
        #expect(closed.count == all.count, "\(all.count - closed.count) connections still open")
        await hub.stop()
    }

    @Test func connectionsBeyondTheCapAreClosedOnArrivalAndTheHubServesOnceTheyGo() async throws {
        let scratch = try TemporaryDirectory("e2e-cap")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hub = try await HubProcess.start(
            dataDirectory: scratch.appending("hub"), extraArguments: ["--max-connections", "20", "--tls-handshake-timeout", "120", "--idle-timeout", "120"]
        )
        let token = try await cli.register("T-1", store: "S-1", hubDirectory: hub.dataDirectory)
        let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent"))
        try await agent.initialise(hub: hub, terminal: "T-1", store: "S-1", token: token)

        var held = (0..<30).map { _ in LoopbackSocket.connect(port: hub.port) }
        defer { held.forEach { close($0) } }
        let refused = Self.closedByServer(held, wanted: 10, within: 30)
        #expect(refused.count == 10, "connections past the cap of 20 are closed on arrival (\(refused.count) were)")
        let beyond = Self.closedByServer(held.filter { !refused.contains($0) }, wanted: 1, within: 0.2)
        #expect(beyond.isEmpty, "the 20 within the cap stay open")
        _ = try await hub.waitForLog(containing: "connection refused: the hub holds its maximum of open connections")

        // Once the silent ones go, the hub serves terminals again.
        held.forEach { close($0) }
        held = []
        _ = try await agent.record("sale", Self.sale)
        var synced = try await agent.run("sync")
        for _ in 0..<5 where synced.status != 0 {
            // The hub may not have seen every close yet; each attempt fails fast.
            synced = try await agent.run("sync")
        }
        #expect(synced.status == 0, "\(synced.stderr)")
        await hub.stop()
    }
}
