import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real `omnisync-hub serve` process on an ephemeral loopback port.
///
/// ``start(dataDirectory:port:)`` returns once the hub has printed its
/// `listening on` line, so tests never guess how long start-up takes. Its log
/// (standard error) is kept in `DIR/../hub-<port>.log` for the test to read.
public final class HubProcess: Sendable {
    public let dataDirectory: String
    public let port: Int
    public let logPath: String
    private let process: Process

    public var url: String { "https://127.0.0.1:\(port)" }
    public var caFile: String { dataDirectory + "/tls/ca.pem" }

    private init(dataDirectory: String, port: Int, logPath: String, process: Process) {
        self.dataDirectory = dataDirectory
        self.port = port
        self.logPath = logPath
        self.process = process
    }

    /// Starts the hub; port 0 picks a free port.
    public static func start(dataDirectory: String, port: Int = 0, extraArguments: [String] = []) async throws -> HubProcess {
        let executable = try Executables.url("omnisync-hub")
        let logPath = dataDirectory + "-hub.log"
        if !FileManager.default.fileExists(atPath: logPath), !FileManager.default.createFile(atPath: logPath, contents: nil) {
            throw TestSupportError("cannot create \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()

        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--data-dir", dataDirectory, "--listen", "127.0.0.1:\(port)"] + extraArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = log
        process.standardInput = FileHandle.nullDevice

        let listeningPort: Int = try await withCheckedThrowingContinuation { continuation in
            let reader = ListeningLineReader(continuation: continuation)
            output.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                reader.consume(data)
                if data.isEmpty { handle.readabilityHandler = nil }
            }
            process.terminationHandler = { finished in
                reader.fail(TestSupportError("omnisync-hub exited with status \(finished.terminationStatus) before listening; see \(logPath)"))
            }
            do {
                try process.run()
            } catch {
                reader.fail(error)
            }
        }
        process.terminationHandler = nil
        return HubProcess(dataDirectory: dataDirectory, port: listeningPort, logPath: logPath, process: process)
    }

    /// Stops the hub with SIGTERM (graceful) and waits for it to exit.
    public func stop() async {
        await terminate(signal: SIGTERM)
    }

    /// Kills the hub with SIGKILL, as a crash or power cut would, and waits.
    public func kill() async {
        await terminate(signal: SIGKILL)
    }

    private func terminate(signal: Int32) async {
        guard process.isRunning else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in continuation.resume() }
            if Glibc.kill(process.processIdentifier, signal) != 0 || !process.isRunning {
                // Already gone: the handler may never fire.
                process.terminationHandler = nil
                continuation.resume()
            }
        }
    }

    /// The hub's log so far.
    public func log() -> String {
        String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
    }
}

/// Accumulates the hub's standard output until the `listening on` line, then
/// resumes the waiting test exactly once.
private final class ListeningLineReader: Sendable {
    private struct State {
        var buffer = ""
        var continuation: CheckedContinuation<Int, any Error>?
    }

    private let state: Mutex<State>

    init(continuation: CheckedContinuation<Int, any Error>) {
        state = Mutex(State(continuation: continuation))
    }

    func consume(_ data: Data) {
        state.withLock { state in
            state.buffer += String(decoding: data, as: UTF8.self)
            guard let line = state.buffer.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            else { return }
            state.continuation?.resume(returning: port)
            state.continuation = nil
        }
    }

    func fail(_ error: any Error) {
        state.withLock { state in
            state.continuation?.resume(throwing: error)
            state.continuation = nil
        }
    }
}
