import Foundation

/// A fresh directory under the system's temporary directory, removed by
/// ``remove()``; tests create one per test so they never share files.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "omnisync") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    public func appending(_ name: String) -> String { "\(path)/\(name)" }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
