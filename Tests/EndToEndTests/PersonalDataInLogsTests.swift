import Foundation
import OmnisyncTestSupport
import Testing

/// Runs a day of a customer's life through the real executables with every
/// log at its most verbose level, then searches everything they printed (hub
/// log, daemon log, every command's standard error, and the standard output
/// of every command not asked to `--reveal`) for the personal data used.
@Suite(.serialized, .timeLimit(.minutes(5))) struct PersonalDataInLogsTests {
    static let card = "4929 1234 5678 9012"
    static let secrets = [
        "Zoë Quartermain", "Quartermain", "zoe.quartermain@example.org", "zoe.quartermain@", "+447700900123", "7700900123",
        "4929123456789012", "4929 1234 5678 9012", "1234 5678", "Hortensia", "Blackwood", "hortensia.b@example.net", "1984-07-30",
    ]

    /// What each command printed, to be searched at the end.
    final class Transcript: @unchecked Sendable {
        // Why @unchecked Sendable is safe: the test's own serial code is the
        // only user; it is never shared with another task.
        var texts: [(source: String, text: String)] = []

        func add(_ source: String, _ result: ProcessResult, output: Bool = true) -> ProcessResult {
            texts.append((source + " (stderr)", result.stderr))
            if output { texts.append((source + " (stdout)", result.stdout)) }
            return result
        }
    }

    @Test func noLogOrMaskedOutputOfAnEndToEndRunContainsThePersonalDataItUsed() async throws {
        let scratch = try TemporaryDirectory("e2e-pii")
        defer { scratch.remove() }
        let verbose = ["OMNISYNC_LOG_LEVEL": "trace"]
        var cli = try CommandLine()
        cli.environment = verbose
        let seen = Transcript()
        let hub = try await HubProcess.start(dataDirectory: scratch.appending("hub"), environment: verbose)
        let tokenA = try await cli.register("T-A", store: "S-1", hubDirectory: hub.dataDirectory)
        let tokenB = try await cli.register("T-B", store: "S-2", hubDirectory: hub.dataDirectory)
        let paris = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("paris"))
        let lyon = AgentCLI(commandLine: cli, dataDirectory: scratch.appending("lyon"))
        try await paris.initialise(hub: hub, terminal: "T-A", store: "S-1", token: tokenA)
        try await lyon.initialise(hub: hub, terminal: "T-B", store: "S-2", token: tokenB)
        let daemon = try BackgroundProcess(
            cli.agentExecutable, ["run", "--interval", "1", "--data-dir", paris.dataDirectory],
            logPath: scratch.appending("daemon.log"), environment: verbose
        )

        // Paris enrols Zoë with a sale and her details; the daemon syncs them.
        let sale = #"{"card":"\#(Self.card)","lines":[{"sku":"COAT","quantity":1,"unitPrice":{"amount":18900,"currency":"EUR"}}],"total":{"amount":18900,"currency":"EUR"}}"#
        #expect(seen.add("record sale", try await paris.run("record", "sale", "--json-file", "-", stdin: sale)).status == 0)
        let details = #"{"card":"\#(Self.card)","set":{"name":"Zoë Quartermain","email":"zoe.quartermain@example.org","phone":"+447700900123","birthday":"1984-07-30"},"consent":{"email":"in"}}"#
        #expect(seen.add("record profile", try await paris.run("record", "profile", "--json-file", "-", stdin: details)).status == 0)
        _ = try await daemon.waitForLine(containing: "acknowledgedSeq=2")

        // Bad input carrying personal data is refused without echoing it.
        let badEmail = #"{"card":"\#(Self.card)","set":{"email":"zoe.quartermain@"}}"#
        #expect(seen.add("bad email", try await paris.run("record", "profile", "--json-file", "-", stdin: badEmail)).status == 1)
        let badPhone = #"{"card":"\#(Self.card)","set":{"phone":"call +447700900123"}}"#
        #expect(seen.add("bad phone", try await paris.run("record", "profile", "--json-file", "-", stdin: badPhone)).status == 1)
        let unknownField = #"{"card":"\#(Self.card)","set":{"nickname":"Zoë Quartermain"}}"#
        #expect(seen.add("unknown field", try await paris.run("record", "profile", "--json-file", "-", stdin: unknownField)).status == 1)
        let badCard = #"{"card":"4929 1234 5678 9012!"}"#
        #expect(seen.add("bad card", try await paris.run("record", "scan", "--json-file", "-", stdin: badCard)).status == 1)

        // Lyon has never seen the card: it asks the hub, prints masked.
        let lookedUp = seen.add("lyon lookup", try await lyon.run("customers", "show", "--card", Self.card.replacingOccurrences(of: " ", with: "")))
        #expect(lookedUp.status == 0, "\(lookedUp.stderr)")
        #expect(lookedUp.stdout.contains("Z*** Q***"), "\(lookedUp.stdout)")

        // Concurrent renames in two stores make a conflict the hub records.
        let rename = #"{"card":"\#(Self.card)","set":{"name":"Hortensia Blackwood","email":"hortensia.b@example.net"}}"#
        #expect(seen.add("lyon rename", try await lyon.run("record", "profile", "--json-file", "-", stdin: rename)).status == 0)
        #expect(seen.add("lyon sync", try await lyon.run("sync")).status == 0)
        for command in [["status"], ["conflicts"], ["conflicts", "--json"], ["customers", "show", "--card", Self.card.replacingOccurrences(of: " ", with: ""), "--json"], ["review", "list"]] {
            let result = try await cli.hub(command + ["--data-dir", hub.dataDirectory])
            #expect(seen.add("hub \(command.joined(separator: " "))", result).status == 0, "\(command): \(result.stderr)")
        }
        for agent in [paris, lyon] {
            #expect(seen.add("status", try await agent.run("status", "--json")).status == 0)
            #expect(seen.add("verify", try await agent.run("verify")).status == 0)
        }

        // The erasure reaches Paris through the daemon.
        #expect(seen.add("lyon erase", try await lyon.run("record", "profile", "--json-file", "-", stdin: #"{"card":"\#(Self.card)","erase":true}"#)).status == 0)
        #expect(seen.add("lyon sync", try await lyon.run("sync")).status == 0)
        #expect(await daemon.stop() == 0)
        #expect(seen.add("paris sync", try await paris.run("sync")).status == 0)
        await hub.stop()

        // The hub's log is what it printed; the daemon's too.
        seen.texts.append(("hub log", hub.log()))
        seen.texts.append(("daemon log", daemon.transcript))
        #expect(hub.log().contains("push stored"), "the hub logged nothing at trace level: is the level applied?")
        // The access log names the lookup by its route, the card stays out of it.
        #expect(hub.log().contains("route=/v1/customers/lookup status=200"), "no access log line for the card lookup")
        for (source, text) in seen.texts {
            for secret in Self.secrets {
                #expect(!text.localizedCaseInsensitiveContains(secret), "\(source) shows '\(secret)':\n\(text.prefix(3000))")
            }
        }
    }
}
