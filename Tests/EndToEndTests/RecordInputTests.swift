import Foundation
import OmnisyncTestSupport
import Testing

/// `omnisync-agent record` refuses bad JSON with exit 1 and one line naming
/// the field, for every kind, and records nothing.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RecordInputTests {
    static let cases: [(kind: String, json: String, mentions: String)] = [
        ("sale", "not json", "invalid sale: not valid JSON"),
        ("sale", #"{"lines":[],"total":{"amount":1,"currency":"EUR"}}"#, "invalid sale: lines: must list at least one line"),
        ("sale", #"{"lines":[{"sku":"A","quantity":1,"unitPrice":{"amount":1,"currency":"EUR"}}],"total":{"amount":1.5,"currency":"EUR"}}"#, "invalid sale: total.amount: expected an integer"),
        ("sale", #"{"lines":[{"sku":"A","quantity":1,"unitPrice":{"amount":1,"currency":"EUR"}}],"total":{"amount":1,"currency":"EUR"},"discount":5}"#, "invalid sale: discount: unknown field"),
        // The amounts that once overflowed the hub's arithmetic on every resend.
        ("sale", #"{"card":"12345678","lines":[{"sku":"A","quantity":1,"unitPrice":{"amount":4611686018427387904,"currency":"EUR"}}],"total":{"amount":4611686018427387904,"currency":"EUR"}}"#, "invalid sale: lines[0].unitPrice: amount must be between 0 and 1000000000000 minor units"),
        ("sale", #"{"lines":[{"sku":"A","quantity":2,"unitPrice":{"amount":100,"currency":"EUR"}}],"total":{"amount":201,"currency":"EUR"}}"#, "invalid sale: total: 2.01 EUR is more than the lines add up to (2.00 EUR)"),
        ("return", #"{"lines":[{"sku":"A","quantity":1,"unitPrice":{"amount":1,"currency":"EUR"}}],"total":{"amount":1,"currency":"EUR"}}"#, "invalid return: originalReceipt: missing field"),
        ("scan", #"{"card":"12"}"#, "invalid scan: card: invalid card number"),
        ("scan", #"{}"#, "invalid scan: card: missing field"),
        ("profile", #"{"card":"12345678","set":{"email":"nope"}}"#, "invalid profile: set.email: not an email address"),
        ("profile", #"{"card":"12345678","consent":{"email":"maybe"}}"#, "invalid profile: consent"),
    ]

    @Test func badJSONExitsOneWithOneLineNamingTheFieldForEveryKind() async throws {
        let scratch = try TemporaryDirectory("e2e-input")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let agent = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("agent"))
        #expect(try await agent.run("init", "--hub", "https://127.0.0.1:1", "--terminal", "T-1", "--store", "S-1", "--token", "ost_x").status == 0)
        for item in Self.cases {
            let result = try await agent.run("record", item.kind, "--json-file", "-", stdin: item.json)
            #expect(result.status == 1, "\(item.kind) \(item.json): exit \(result.status)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "expected one line, got: \(result.stderr)")
            #expect(result.stderr.contains(item.mentions), "\(result.stderr)")
        }
        let usage = try await agent.run("record", "sale")
        #expect(usage.status == 2, "a missing --json-file is a usage error")
        #expect(try await agent.status()["lastSeq"] as? Int == 0)
    }

    @Test func usageErrorsExitWithTwoOnBothExecutables() async throws {
        let cli = try CommandLine()
        for arguments in [["status", "--no-such-flag"], ["customers", "show"], ["record", "scan"]] {
            #expect(try await cli.agent(arguments).status == 2, "omnisync-agent \(arguments)")
        }
        #expect(try await ProcessRunner.run(cli.hubExecutable, ["terminals", "add"]).status == 2)
        #expect(try await ProcessRunner.run(cli.hubExecutable, ["policy", "set"]).status == 2)
        #expect(try await ProcessRunner.run(cli.hubExecutable, ["--help"]).status == 0)
    }
}
