public import Foundation

/// Finds the executables `swift build`/`swift test` built next to the tests.
///
/// Test targets that depend on the executable targets make SwiftPM build them
/// into the same directory as the test bundle; `OMNISYNC_BIN_DIR` overrides it
/// (e.g. to test a release build).
public enum Executables {
    public static func url(_ name: String) throws -> URL {
        let directory: URL
        if let override = ProcessInfo.processInfo.environment["OMNISYNC_BIN_DIR"] {
            directory = URL(fileURLWithPath: override)
        } else {
            // The test runner itself lives in the build products directory.
            let runner = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
            directory = runner.resolvingSymlinksInPath().deletingLastPathComponent()
        }
        let candidate = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw TestSupportError("no executable \(name) in \(directory.path); build it with `swift build` or set OMNISYNC_BIN_DIR")
        }
        return candidate
    }
}

/// A failure of the test harness itself (not of the code under test).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
