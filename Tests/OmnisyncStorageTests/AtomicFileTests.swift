import Foundation
import OmnisyncStorage
import OmnisyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Small files (tokens, keys) are replaced whole, with their mode from the
/// start, and a symlink planted where they go is replaced, never followed.
@Suite struct AtomicFileTests {
    @Test func aPlantedSymlinkIsReplacedNotFollowedAndTheFileIsOwnerOnly() throws {
        let directory = try TemporaryDirectory("atomic-file")
        defer { directory.remove() }
        let target = directory.appending("elsewhere")
        try Data("untouched".utf8).write(to: URL(fileURLWithPath: target))
        let path = directory.appending("admin-token")
        #expect(symlink(target, path) == 0)

        try AtomicFile.write(Data("secret\n".utf8), to: path, permissions: 0o600)

        #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched", "the link's target was not written through")
        var info = stat()
        #expect(lstat(path, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFREG, "the link itself was replaced by the file")
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "secret\n")

        try AtomicFile.write(Data("rotated\n".utf8), to: path, permissions: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "rotated\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["admin-token", "elsewhere"])
    }
}
