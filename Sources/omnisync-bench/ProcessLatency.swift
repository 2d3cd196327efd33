import Foundation

/// Wall time of whole processes, start to exit, as a point of sale sees a
/// command it runs per sale.
struct ProcessLatency {
    /// Runs `executable` with `arguments` once and returns how long it took;
    /// fails if it exits non-zero, since a failed command measures nothing.
    static func measure(_ executable: String, _ arguments: [String]) throws -> Duration {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let started = ContinuousClock.now
        try process.run()
        // Read before waiting: a child writing more than a pipe holds would
        // otherwise block for ever.
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - started
        guard process.terminationStatus == 0 else {
            throw BenchError("\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: message, as: UTF8.self))")
        }
        return elapsed
    }

    /// The value below which `fraction` of the samples fall (nearest rank).
    static func percentile(_ fraction: Double, of samples: [Duration]) -> Duration {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .zero }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
