import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server the benchmark starts as its own process (the hub), so that it
/// competes for the machine as it would in production and its memory can be
/// read on its own.
final class ServerProcess {
    let process = Process()
    private let output = Pipe()
    private var buffered = Data()

    /// Starts `executable`; lines are read from standard output, or from
    /// standard error (where logs go) with `readingStandardError`.
    init(_ executable: String, _ arguments: [String], readingStandardError: Bool = false) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if readingStandardError {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = output
        } else {
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
    }

    /// Empties `scratch` and starts `omnisync-hub serve` on a free loopback
    /// port with its data dir in `scratch/hub`; returns it and its URL.
    static func freshHub(binaries: String, scratch: String, extraArguments: [String] = []) throws -> (ServerProcess, String) {
        try? FileManager.default.removeItem(atPath: scratch)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let hub = try ServerProcess(binaries + "/omnisync-hub", ["serve", "--data-dir", scratch + "/hub", "--listen", "127.0.0.1:0"] + extraArguments)
        let url = try hub.waitForLine(containing: "listening on ").components(separatedBy: "listening on ").last!
        return (hub, url)
    }

    /// Blocks until the server prints a line containing `needle`, and returns it.
    func waitForLine(containing needle: String) throws -> String {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                if line.contains(needle) { return line }
                continue
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("the server exited before printing '\(needle)'") }
            buffered.append(chunk)
        }
    }

    /// Peak resident memory so far (`VmHWM`), in bytes.
    var peakResidentBytes: Int? { memory("VmHWM:") }

    /// Resident memory now (`VmRSS`), in bytes.
    var residentBytes: Int? { memory("VmRSS:") }

    private func memory(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }

    /// Stops the server with SIGTERM and waits for it.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
