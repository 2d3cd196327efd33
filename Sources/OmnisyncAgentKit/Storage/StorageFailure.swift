import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Turns a failure of the local database into words a support engineer can
/// act on: a full disk, a read-only disk, a file that cannot be opened.
///
/// SQLite reports a full disk in WAL mode as a plain I/O error, so the free
/// space of the data dir's file system is checked too.
enum StorageFailure {
    static func describe(_ error: any Error, directory: String) -> String {
        let free = freeBytes(at: directory)
        let code = (error as? DatabaseError)?.resultCode.primaryResultCode
        if code == .SQLITE_FULL || (free.map { $0 < 256 << 10 } ?? false) {
            return "the disk holding \(directory) is full (\(free.map { "\($0 / 1024) KiB" } ?? "no space") free): free space and retry; entries recorded before are safe"
        }
        if isReadOnlyFileSystem(directory) || code == .SQLITE_READONLY {
            return "the disk holding \(directory) is read-only, or the database is not writable by this user: nothing can be recorded until it is writable; entries recorded before are safe"
        }
        switch code {
        case .SQLITE_CANTOPEN?:
            return "cannot open \(directory)/journal.sqlite: check that the data dir exists and belongs to this user"
        case .SQLITE_IOERR?:
            return "the disk holding \(directory) failed to read or write (I/O error): check the disk; entries recorded before are safe"
        case .SQLITE_CORRUPT?, .SQLITE_NOTADB?:
            return "\(directory)/journal.sqlite is damaged: run `omnisync-agent verify` and call support before anything else"
        default:
            return "local database in \(directory): \(error)"
        }
    }

    /// True when the file system holding `path` is mounted read-only (SQLite
    /// may then report "cannot open" rather than "read-only").
    static func isReadOnlyFileSystem(_ path: String) -> Bool {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return false }
        return stats.f_flag & UInt(ST_RDONLY) != 0
    }

    /// Bytes available to this user on the file system holding `path`.
    static func freeBytes(at path: String) -> UInt64? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        return UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
    }
}
