public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real long-running process (a hub, an agent daemon) whose standard output
/// and error a test can wait on.
///
/// Waiting is event-driven: ``waitForLine(containing:timeout:)`` returns as
/// soon as a matching line arrives, and fails at once if the process exits
/// first. The timeout only bounds a hang; nothing here sleeps to let time pass.
/// Everything the process prints is also appended to `logPath`.
public final class BackgroundProcess: Sendable {
    public let logPath: String
    private let process: Process
    private let state: Mutex<State>

    private struct Waiter {
        var needle: String
        var continuation: CheckedContinuation<String, any Error>
    }

    private struct State {
        var transcript = ""
        var consumed = 0
        var waiters: [UUID: Waiter] = [:]
        var exitStatus: Int32?
        /// The child's output reached its end: everything it printed is in the transcript.
        var outputClosed = false
        var exitWaiters: [CheckedContinuation<Int32, Never>] = []
    }

    /// Starts `executable`; `environment` is added to this process's own.
    public init(_ executable: URL, _ arguments: [String], logPath: String, environment: [String: String] = [:]) throws {
        self.logPath = logPath
        if !FileManager.default.fileExists(atPath: logPath), !FileManager.default.createFile(atPath: logPath, contents: nil) {
            throw TestSupportError("cannot create \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        }
        process.standardInput = FileHandle.nullDevice
        state = Mutex(State())

        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        // A thread of its own reads the child's output until it closes.
        // Foundation's `readabilityHandler` (a dispatch read source) crashed
        // libdispatch's event loop in CI when the pipe closed under it.
        let reader = output.fileHandleForReading
        Thread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let count = read(reader.fileDescriptor, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    self?.outputEnded()
                    break
                }
                let data = Data(buffer[0..<count])
                log.write(data)
                self?.received(String(decoding: data, as: UTF8.self))
            }
        }.start()
        process.terminationHandler = { [weak self] finished in
            ChildProcesses.forget(finished.processIdentifier)
            self?.exited(finished.terminationStatus)
        }
        try process.run()
        ChildProcesses.register(process.processIdentifier)
    }

    /// A test that fails half-way drops its processes without stopping them;
    /// they must not outlive it, holding ports and data dirs.
    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
        }
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Everything printed so far, standard output and error interleaved.
    public var transcript: String { state.withLock { $0.transcript } }

    /// Waits for a line containing `needle` among those no earlier wait has
    /// consumed (a wait consumes every complete line it looked at), and returns it.
    public func waitForLine(containing needle: String, timeout: Duration = .seconds(60)) async throws -> String {
        let id = UUID()
        let timer = Task {
            try await Task.sleep(for: timeout)
            self.fail(id, TestSupportError("no line containing '\(needle)' within \(timeout); output so far:\n\(self.transcript.suffix(2000))"))
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            state.withLock { state in
                if let status = state.exitStatus {
                    continuation.resume(throwing: TestSupportError("process exited with status \(status) before printing '\(needle)'; output:\n\(state.transcript.suffix(2000))"))
                    return
                }
                state.waiters[id] = Waiter(needle: needle, continuation: continuation)
                Self.match(&state)
            }
        }
    }

    /// Sends `signal` and waits for the process to exit; returns its status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) async -> Int32 {
        if state.withLock({ $0.exitStatus == nil }) {
            _ = Glibc.kill(process.processIdentifier, signal)
        }
        return await waitForExit()
    }

    /// Waits for the process to exit on its own; returns its status (or the signal that ended it, negated).
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if let status = state.exitStatus, state.outputClosed {
                    continuation.resume(returning: status)
                } else {
                    state.exitWaiters.append(continuation)
                }
            }
        }
    }

    private func received(_ text: String) {
        state.withLock { state in
            state.transcript += text
            Self.match(&state)
        }
    }

    /// Resumes waiters whose needle appears in a complete line not yet consumed.
    ///
    /// A line is consumed once every waiter present has seen it; once the
    /// last waiter is answered, the lines after its match stay unread for the
    /// next waiter (two announcements printed at once are two answers).
    private static func match(_ state: inout State) {
        guard !state.waiters.isEmpty else { return }
        let unread = state.transcript.utf8.dropFirst(state.consumed)
        guard let lastNewline = unread.lastIndex(of: UInt8(ascii: "\n")) else { return }
        let complete = String(decoding: unread[..<lastNewline], as: UTF8.self)
        for line in complete.split(separator: "\n", omittingEmptySubsequences: false) {
            state.consumed += line.utf8.count + 1
            for (id, waiter) in state.waiters where line.contains(waiter.needle) {
                waiter.continuation.resume(returning: String(line))
                state.waiters[id] = nil
            }
            if state.waiters.isEmpty { return }
        }
    }

    private func exited(_ status: Int32) {
        state.withLock { state in
            let ended = process.terminationReason == .uncaughtSignal ? -status : status
            state.exitStatus = ended
            for waiter in state.waiters.values {
                waiter.continuation.resume(throwing: TestSupportError("process exited with status \(ended) before printing '\(waiter.needle)'; output:\n\(state.transcript.suffix(2000))"))
            }
            state.waiters = [:]
            Self.resumeExitWaiters(&state)
        }
    }

    /// The reader thread read the child's last byte.
    private func outputEnded() {
        state.withLock { state in
            state.outputClosed = true
            Self.resumeExitWaiters(&state)
        }
    }

    /// Answers `waitForExit` once the child has exited and its output is all
    /// read (the exit can be reported before the reader drains the pipe).
    private static func resumeExitWaiters(_ state: inout State) {
        guard let status = state.exitStatus, state.outputClosed else { return }
        state.exitWaiters.forEach { $0.resume(returning: status) }
        state.exitWaiters = []
    }

    private func fail(_ id: UUID, _ error: any Error) {
        state.withLock { state in
            state.waiters.removeValue(forKey: id)?.continuation.resume(throwing: error)
        }
    }
}
