import Foundation
import OmnisyncTestSupport
import Testing

/// Runs the real `omnisync-hub` and `omnisync-agent` executables.
struct CommandLine {
    let hubExecutable: URL
    let agentExecutable: URL
    /// Added to every command's environment (e.g. `OMNISYNC_LOG_LEVEL`).
    var environment: [String: String] = [:]

    init() throws {
        hubExecutable = try Executables.url("omnisync-hub")
        agentExecutable = try Executables.url("omnisync-agent")
    }

    func hub(_ arguments: String...) async throws -> ProcessResult {
        try await hub(arguments)
    }

    func hub(_ arguments: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run(hubExecutable, arguments, environment: environment)
    }

    func agent(_ arguments: [String], stdin: String? = nil) async throws -> ProcessResult {
        try await ProcessRunner.run(agentExecutable, arguments, stdin: stdin.map { Data($0.utf8) }, environment: environment)
    }

    /// Runs a command that must succeed and returns its standard output as JSON.
    func json(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        return try #require(try result.json() as? [String: Any], sourceLocation: sourceLocation)
    }

    /// Starts a hub in `scratch` and a registered, initialised agent of terminal T-1;
    /// behind `front` for a test that restarts the hub.
    func hubWithOneTerminal(in scratch: TemporaryDirectory, front: FaultProxy? = nil) async throws -> (HubProcess, AgentCLI) {
        let hub = try await HubProcess.start(dataDirectory: scratch.appending("hub"), front: front)
        let token = try await register("T-1", store: "S-1", hubDirectory: hub.dataDirectory)
        let agent = AgentCLI(commandLine: self, dataDirectory: scratch.appending("agent"))
        try await agent.initialise(hub: hub, terminal: "T-1", store: "S-1", token: token)
        return (hub, agent)
    }

    /// Registers a terminal at the hub and returns its token.
    func register(_ terminal: String, store: String, hubDirectory: String) async throws -> String {
        let added = try json(try await hub("terminals", "add", terminal, "--store", store, "--data-dir", hubDirectory, "--json"))
        return try #require(added["token"] as? String)
    }
}

/// One agent data dir, driven through the CLI.
struct AgentCLI {
    let commandLine: CommandLine
    let dataDirectory: String

    func run(_ arguments: String..., stdin: String? = nil) async throws -> ProcessResult {
        try await commandLine.agent(arguments + ["--data-dir", dataDirectory], stdin: stdin)
    }

    func initialise(hub: HubProcess, terminal: String, store: String, token: String) async throws {
        let result = try await run("init", "--hub", hub.url, "--terminal", terminal, "--store", store, "--token", token, "--ca-file", hub.caFile)
        #expect(result.status == 0, "init failed: \(result.stderr)")
    }

    /// Records an entry and returns the receipt's JSON.
    func record(_ kind: String, _ json: String) async throws -> [String: Any] {
        try commandLine.json(try await run("record", kind, "--json-file", "-", "--json", stdin: json))
    }

    func status() async throws -> [String: Any] {
        try commandLine.json(try await run("status", "--json"))
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The same dictionary without `key`, re-serialised canonically for comparison.
    func canonical(removing key: String? = nil) throws -> String {
        var copy = self
        if let key { copy[key] = nil }
        return String(decoding: try JSONSerialization.data(withJSONObject: copy, options: [.sortedKeys]), as: UTF8.self)
    }
}
