import Foundation
import OmnisyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Settings files and environment variables under the flags, with the real
/// executables: flags > environment > file > default, and a mistake stops the
/// command with exit 2 and one line naming the file or variable.
@Suite(.timeLimit(.minutes(5))) struct SettingsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func flagsWinOverTheEnvironmentWhichWinsOverTheFile() async throws {
        let scratch = try TemporaryDirectory("e2e-settings")
        defer { scratch.remove() }
        let settings = scratch.appending("hub.json")
        try #"{"dataDir": "\#(scratch.appending("from-file"))"}"#.write(toFile: settings, atomically: true, encoding: .utf8)
        var cli = try CommandLine()

        // The file alone names the data dir.
        #expect(try await cli.hub("terminals", "add", "T-FILE", "--store", "S-1", "--config", settings).status == 0)
        // The environment wins over the file.
        cli.environment["OMNISYNC_HUB_DATA_DIR"] = scratch.appending("from-env")
        #expect(try await cli.hub("terminals", "add", "T-ENV", "--store", "S-1", "--config", settings).status == 0)
        // The flag wins over both.
        #expect(try await cli.hub("terminals", "add", "T-FLAG", "--store", "S-1", "--config", settings, "--data-dir", scratch.appending("from-flag")).status == 0)

        cli.environment = [:]
        for (directory, terminal) in [("from-file", "T-FILE"), ("from-env", "T-ENV"), ("from-flag", "T-FLAG")] {
            let status = try cli.json(try await cli.hub("status", "--json", "--data-dir", scratch.appending(directory)))
            let terminals = try #require(status["terminals"] as? [[String: Any]]).compactMap { $0["terminal"] as? String }
            #expect(terminals == [terminal], "\(directory) holds only \(terminal)")
        }

        // `settings` says where each value comes from.
        cli.environment["OMNISYNC_HUB_DATA_DIR"] = scratch.appending("from-env")
        let shown = try cli.json(try await cli.hub("settings", "--config", settings, "--json"))
        let dataDir = try #require((shown["settings"] as? [String: Any])?["dataDir"] as? [String: Any])
        #expect(dataDir["from"] as? String == "$OMNISYNC_HUB_DATA_DIR")
        #expect(shown["file"] as? String == settings)
    }

    @Test func serveAndRunTakeTheirSettingsFromTheFile() async throws {
        let scratch = try TemporaryDirectory("e2e-settings-serve")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let hubSettings = scratch.appending("hub.json")
        try #"{"dataDir": "\#(scratch.appending("hub"))", "listen": "127.0.0.1:0", "recomputeInterval": 0}"#
            .write(toFile: hubSettings, atomically: true, encoding: .utf8)
        let hub = try BackgroundProcess(cli.hubExecutable, ["serve", "--config", hubSettings], logPath: scratch.appending("hub.log"))
        let line = try await hub.waitForLine(containing: "listening on https://127.0.0.1:")
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        #expect(port > 0, "the file's listen address, port 0: a free port")
        #expect(FileManager.default.fileExists(atPath: scratch.appending("hub/tls/ca.pem")), "the file's data dir")

        let token = try #require(try cli.json(try await cli.hub("terminals", "add", "T-1", "--store", "S-1", "--json", "--data-dir", scratch.appending("hub")))["token"] as? String)
        let agentSettings = scratch.appending("agent.json")
        try #"{"dataDir": "\#(scratch.appending("agent"))", "interval": 1, "listen": "127.0.0.1:0", "socket": "\#(scratch.appending("pos.sock"))"}"#
            .write(toFile: agentSettings, atomically: true, encoding: .utf8)
        #expect(try await cli.agent([
            "init", "--config", agentSettings, "--hub", "https://127.0.0.1:\(port)", "--terminal", "T-1", "--store", "S-1",
            "--token", token, "--ca-file", scratch.appending("hub/tls/ca.pem"),
        ]).status == 0)
        let daemon = try BackgroundProcess(cli.agentExecutable, ["run", "--config", agentSettings], logPath: scratch.appending("agent.log"))
        // Both listeners of the file's settings announce themselves, in either order.
        let announced = [
            try await daemon.waitForLine(containing: "local API listening on "), try await daemon.waitForLine(containing: "local API listening on "),
        ]
        #expect(announced.contains { $0.contains("unix:\(scratch.appending("pos.sock"))") }, "\(announced)")
        #expect(announced.contains { $0.contains("http://127.0.0.1:") }, "\(announced)")
        #expect(try await cli.agent(["record", "scan", "--card", "4000123412341234", "--config", agentSettings]).status == 0)
        // A round every second (the file's interval): the scan reaches the hub without a manual sync.
        let deadline = ContinuousClock.now + .seconds(60)
        var acknowledged = 0
        while acknowledged < 1 && ContinuousClock.now < deadline {
            let status = try cli.json(try await cli.agent(["status", "--json", "--config", agentSettings]))
            acknowledged = status["acknowledgedSeq"] as? Int ?? 0
            if acknowledged < 1 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(acknowledged == 1)
        _ = await daemon.stop(signal: SIGTERM)
        _ = await hub.stop(signal: SIGTERM)
    }

    @Test func mistakesStopTheCommandNamingTheFileOrVariable() async throws {
        let scratch = try TemporaryDirectory("e2e-settings-bad")
        defer { scratch.remove() }
        var cli = try CommandLine()
        let typo = scratch.appending("typo.json")
        try #"{"listn": "0.0.0.0:8443"}"#.write(toFile: typo, atomically: true, encoding: .utf8)
        let wrongType = scratch.appending("type.json")
        try #"{"maxConnections": "many"}"#.write(toFile: wrongType, atomically: true, encoding: .utf8)
        let notJSON = scratch.appending("broken.json")
        try "listen = 1".write(toFile: notJSON, atomically: true, encoding: .utf8)

        let cases: [([String], String)] = [
            (["status", "--config", typo], "unknown setting 'listn' in \(typo)"),
            (["status", "--config", wrongType], "setting 'maxConnections' in \(wrongType) must be a whole number"),
            (["status", "--config", notJSON], "is not a JSON object of settings"),
            (["status", "--config", scratch.appending("missing.json")], "no settings file at"),
            (["serve", "--data-dir", scratch.path, "--listen", "nowhere"], "--listen must be HOST:PORT"),
        ]
        for (arguments, message) in cases {
            let result = try await cli.hub(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
        cli.environment["OMNISYNC_AGENT_INTERVAL"] = "soon"
        let agent = try await cli.agent(["status", "--data-dir", scratch.path])
        #expect(agent.status == 2)
        #expect(agent.stderr.contains("$OMNISYNC_AGENT_INTERVAL must be a whole number, not 'soon'"))
    }

    /// The shipped examples hold only settings the executables know, of the right types, and all of them are read.
    @Test func theExampleSettingsFilesAreValid() async throws {
        let cli = try CommandLine()
        for (program, example) in [("hub", "hub/hub.example.json"), ("agent", "agent/agent.example.json")] {
            let path = Self.repository.appendingPathComponent(example).path
            let arguments = ["settings", "--json", "--config", path]
            let result = program == "hub" ? try await cli.hub(arguments) : try await cli.agent(arguments)
            let shown = try cli.json(result)
            let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            #expect(Set((shown["settings"] as? [String: Any] ?? [:]).keys) == Set(written.keys), "\(example)")
        }
    }

    /// `systemd-analyze verify` accepts the units (with ExecStart pointed at the built executables), where systemd is installed.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func theServiceUnitsVerify() async throws {
        let scratch = try TemporaryDirectory("e2e-units")
        defer { scratch.remove() }
        let cli = try CommandLine()
        var units: [String] = []
        for (unit, executable) in [("hub/omnisync-hub.service", cli.hubExecutable), ("agent/omnisync-agent.service", cli.agentExecutable)] {
            let text = try String(contentsOf: Self.repository.appendingPathComponent(unit), encoding: .utf8)
            let name = URL(fileURLWithPath: unit).lastPathComponent
            let copy = scratch.appending(name)
            try text.replacingOccurrences(of: "/usr/local/bin/\(executable.lastPathComponent)", with: executable.path)
                .write(toFile: copy, atomically: true, encoding: .utf8)
            units.append(copy)
        }
        let verify = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["verify"] + units)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(!verify.stderr.contains("Unknown key"), "\(verify.stderr)")
    }
}
