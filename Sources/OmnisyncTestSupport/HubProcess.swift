import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `omnisync-hub serve` process on an ephemeral loopback port.
///
/// ``start(dataDirectory:port:extraArguments:)`` returns once the hub has
/// printed its `listening on` line, so tests never guess how long start-up
/// takes. Its output is kept in `DIR-hub.log` for the test to read.
public final class HubProcess: Sendable {
    public let dataDirectory: String
    /// The port the hub itself listens on.
    public let port: Int
    /// The stable front it was started behind, if any (see ``start(dataDirectory:port:front:extraArguments:environment:)``).
    public let front: FaultProxy?
    private let process: BackgroundProcess

    /// Where agents reach it: its front when it has one.
    public var url: String { "https://127.0.0.1:\(front?.port ?? port)" }
    public var caFile: String { dataDirectory + "/tls/ca.pem" }
    public var logPath: String { process.logPath }

    private init(dataDirectory: String, port: Int, front: FaultProxy?, process: BackgroundProcess) {
        self.dataDirectory = dataDirectory
        self.port = port
        self.front = front
        self.process = process
    }

    /// Starts the hub; port 0 picks a free port. With `front`, the hub is
    /// reached through that pass-through proxy (``FaultProxy/front(for:)``),
    /// which is re-pointed at it: a hub restarted behind the same front keeps
    /// its address without reusing a port.
    public static func start(
        dataDirectory: String, port: Int = 0, front: FaultProxy? = nil, extraArguments: [String] = [], environment: [String: String] = [:]
    ) async throws -> HubProcess {
        let process = try BackgroundProcess(
            try Executables.url("omnisync-hub"),
            ["serve", "--data-dir", dataDirectory, "--listen", "127.0.0.1:\(port)"] + extraArguments,
            logPath: dataDirectory + "-hub.log",
            environment: environment
        )
        let line = try await process.waitForLine(containing: "listening on ")
        guard let listening = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw TestSupportError("cannot read the port in '\(line)'")
        }
        front?.forward(to: listening)
        return HubProcess(dataDirectory: dataDirectory, port: listening, front: front, process: process)
    }

    /// Stops the hub with SIGTERM (graceful) and waits for it to exit.
    public func stop() async {
        await process.stop(signal: SIGTERM)
    }

    /// Kills the hub with SIGKILL, as a crash or power cut would, and waits.
    public func kill() async {
        await process.stop(signal: SIGKILL)
    }

    /// The hub's output so far (its log is on standard error).
    public func log() -> String { process.transcript }

    /// Waits for a log line containing `needle` (see ``BackgroundProcess/waitForLine(containing:timeout:)``).
    public func waitForLog(containing needle: String) async throws -> String {
        try await process.waitForLine(containing: needle)
    }
}
