public import Foundation

/// Small files that must never be seen half-written: tokens, certificates, keys.
public enum AtomicFile {
    /// Writes `contents` to `path` through a temporary file that is fsynced and
    /// renamed over it, created with `permissions` from the start (a token is
    /// never readable by others, not even for a moment).
    public static func write(_ contents: Data, to path: String, permissions: Int) throws {
        let temporary = path + ".tmp"
        do {
            try? FileManager.default.removeItem(atPath: temporary)
            guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: permissions]) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: contents)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}

/// Where a component keeps its data: a command-line flag, else an environment
/// variable, else a default path.
public enum DataDirectoryLocation {
    public static func resolve(flag: String?, environmentVariable: String, defaultPath: String, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let value = environment[environmentVariable], !value.isEmpty { return value }
        return defaultPath
    }
}
