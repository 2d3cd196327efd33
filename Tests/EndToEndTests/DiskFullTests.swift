import Foundation
import OmnisyncTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A full or read-only disk: `record` fails with exit 1 and a clear message,
/// nothing recorded earlier is lost, and recording resumes once space returns.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DiskFullTests {
    func sh(_ command: String) async throws -> ProcessResult {
        try await ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", command])
    }

    @Test func aFullThenReadOnlyDiskRefusesRecordsAndLosesNothing() async throws {
        guard getuid() == 0 else {
            print("skipped: mounting a small file system needs root (this test runs as uid \(getuid()))")
            return
        }
        let scratch = try TemporaryDirectory("e2e-disk")
        defer { scratch.remove() }
        let mountPoint = scratch.appending("fs")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try await sh("mount -t tmpfs -o size=4m tmpfs '\(mountPoint)'")
        guard mounted.status == 0 else {
            print("skipped: cannot mount a tmpfs here (\(mounted.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
            return
        }
        defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }

        let cli = try CommandLine()
        let agent = AgentCLI(commandLine: cli, dataDirectory: mountPoint + "/agent")
        #expect(try await agent.run("init", "--hub", "https://127.0.0.1:1", "--terminal", "T-1", "--store", "S-1", "--token", "ost_x").status == 0)
        let sale = #"{"card":"16180339","lines":[{"sku":"PHI","quantity":1,"unitPrice":{"amount":500,"currency":"EUR"}}],"total":{"amount":500,"currency":"EUR"}}"#
        for _ in 0..<5 { _ = try await agent.record("sale", sale) }

        // Fill the disk to the last byte.
        let filler = mountPoint + "/filler"
        _ = try await sh("dd if=/dev/zero of='\(filler)' bs=64k 2>/dev/null")
        let refused = try await agent.run("record", "sale", "--json-file", "-", stdin: sale)
        #expect(refused.status == 1)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("is full"), "\(refused.stderr)")

        // Space returns: recording resumes, and the five earlier entries are intact.
        try FileManager.default.removeItem(atPath: filler)
        _ = try await agent.record("sale", sale)
        #expect(try await agent.status()["lastSeq"] as? Int == 6)
        #expect(try await agent.run("verify").status == 0)

        // A read-only disk: refused in words, recovered when writable again.
        #expect(try await sh("mount -o remount,ro '\(mountPoint)'").status == 0)
        let readOnly = try await agent.run("record", "sale", "--json-file", "-", stdin: sale)
        #expect(readOnly.status == 1)
        #expect(readOnly.stderr.contains("read-only"), "\(readOnly.stderr)")
        #expect(try await sh("mount -o remount,rw '\(mountPoint)'").status == 0)
        _ = try await agent.record("sale", sale)
        let status = try await agent.status()
        #expect(status["lastSeq"] as? Int == 7)
        #expect(status["pending"] as? Int == 7)
        #expect(try await agent.run("verify").status == 0)
    }
}
