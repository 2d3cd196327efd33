import Foundation
import OmnisyncTestSupport
import Testing

/// The hub's data dir is owner-only and its databases, WAL, keys and tokens
/// 0600, also when the directory already existed wider or the database lives
/// elsewhere.
@Suite(.serialized, .timeLimit(.minutes(5))) struct FileModeTests {
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }

    @Test func aWideDataDirAndAnotherDatabaseFileEndUpOwnerOnly() async throws {
        let scratch = try TemporaryDirectory("e2e-modes")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let directory = scratch.appending("hub")
        let elsewhere = scratch.appending("db")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // An older install left the database readable by everyone.
        let database = elsewhere + "/hub.sqlite"
        #expect(FileManager.default.createFile(atPath: database, contents: nil, attributes: [.posixPermissions: 0o644]))

        let hub = try await HubProcess.start(dataDirectory: directory, extraArguments: ["--database", "sqlite:\(database)"])
        let added = try await cli.hub("terminals", "add", "T-1", "--store", "S-1", "--data-dir", directory, "--database", "sqlite:\(database)")
        #expect(added.status == 0, "\(added.stderr)")

        #expect(Self.mode(directory) == 0o700)
        for file in [database, database + "-wal", database + "-shm", directory + "/admin-token", directory + "/tls/ca-key.pem", directory + "/tls/server-key.pem"] {
            #expect(Self.mode(file) == 0o600, "\(file) is \(String(Self.mode(file) ?? 0, radix: 8))")
        }
        #expect(Self.mode(directory + "/tls") == 0o700)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "no temporary files are left behind: \(leftovers)")
        await hub.stop()
    }
}
