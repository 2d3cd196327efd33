public import Foundation

/// What a finished process did.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Standard output decoded as JSON.
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }
}

/// Runs a real executable to completion and captures its output.
///
/// Output goes to files rather than pipes, so a chatty process can never block
/// on a full pipe; the wait is for the process's own exit, without polling.
public enum ProcessRunner {
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        stdin: Data? = nil,
        environment: [String: String] = [:]
    ) async throws -> ProcessResult {
        let scratch = try TemporaryDirectory("proc")
        defer { scratch.remove() }
        let outPath = scratch.appending("stdout")
        let errPath = scratch.appending("stderr")
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
            FileManager.default.createFile(atPath: errPath, contents: nil)
        else { throw TestSupportError("cannot create output files in \(scratch.path)") }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let input = Pipe()
        process.standardInput = input

        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                ChildProcesses.forget(finished.processIdentifier)
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            ChildProcesses.register(process.processIdentifier)
            // A process may exit without reading its input (a usage error):
            // that is its answer, not the harness's failure.
            BrokenPipes.ignore()
            if let stdin { try? input.fileHandleForWriting.write(contentsOf: stdin) }
            try? input.fileHandleForWriting.close()
        }
        return ProcessResult(
            status: status,
            stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        )
    }
}
