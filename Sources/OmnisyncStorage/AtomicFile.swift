public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Small files that must never be seen half-written: tokens, certificates, keys.
public enum AtomicFile {
    /// Writes `contents` to `path` so that a reader sees the old file or the
    /// new one, never a part, even across a power cut:
    ///
    /// - a temporary file with a unique name next to it, created exclusively
    ///   (`O_EXCL`) and without following a symlink planted there
    ///   (`O_NOFOLLOW`), with `permissions` from the start (a token is never
    ///   readable by others, not even for a moment);
    /// - written in full and fsynced, then renamed over `path`;
    /// - the directory fsynced, so the rename itself is durable.
    ///
    /// A symlink at `path` is replaced, not followed.
    public static func write(_ contents: Data, to path: String, permissions: Int) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(permissions))
        guard descriptor >= 0 else { throw failure("create", temporary) }
        do {
            // The umask may have narrowed the mode; make it exactly what was asked.
            guard fchmod(descriptor, mode_t(permissions)) == 0 else { throw failure("set permissions of", temporary) }
            try contents.withUnsafeBytes { bytes in
                var written = 0
                while written < bytes.count {
                    let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { throw failure("write", temporary) }
                    written += count
                }
            }
            guard fsync(descriptor) == 0 else { throw failure("fsync", temporary) }
            close(descriptor)
            guard rename(temporary, path) == 0 else { throw failure("rename into", path) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// Fsyncs a directory, making a rename or a new file in it durable.
    public static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open directory", path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync directory", path) }
    }

    private static func failure(_ action: String, _ path: String) -> any Error {
        let code = errno
        return NSError(domain: NSPOSIXErrorDomain, code: Int(code), userInfo: [
            NSLocalizedDescriptionKey: "cannot \(action) \(path): \(String(cString: strerror(code)))",
        ])
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
