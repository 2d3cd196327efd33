import Foundation
import OmnisyncTestSupport
import Testing

/// Every command's `--help` shows examples, and the shells' completion
/// scripts come from the same argument parser.
@Suite(.serialized, .timeLimit(.minutes(5))) struct HelpTests {
    /// The subcommand names listed under `SUBCOMMANDS:` in a help text.
    static func subcommands(in help: String) -> [String] {
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        var names: [String] = []
        // "  name   abstract" lines up to the blank line; continuation lines are indented further.
        for line in help[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
            if name != "help" { names.append(String(name)) }
        }
        return names
    }

    @Test(arguments: ["omnisync-hub", "omnisync-agent"]) func everyCommandsHelpHasExamples(_ program: String) async throws {
        let cli = try CommandLine()
        var pending: [[String]] = [[]]
        var seen = 0
        while let path = pending.popLast() {
            let arguments = path + ["--help"]
            let result = program == "omnisync-hub" ? try await cli.hub(arguments) : try await cli.agent(arguments)
            #expect(result.status == 0, "\(program) \(arguments.joined(separator: " ")): \(result.stderr)")
            #expect(result.stdout.contains("Examples:\n  \(program) "), "\(program) \(path.joined(separator: " ")) --help shows no example")
            seen += 1
            #expect(path.count <= 3, "commands nest at most three deep: \(path)")
            if path.count < 3 { pending += Self.subcommands(in: result.stdout).map { path + [$0] } }
        }
        #expect(seen >= (program == "omnisync-hub" ? 40 : 12), "walked \(seen) commands")
    }

    @Test(arguments: ["bash", "zsh", "fish"]) func completionScriptsCoverTheCommands(_ shell: String) async throws {
        let cli = try CommandLine()
        let hub = try await cli.hub("--generate-completion-script", shell)
        #expect(hub.status == 0)
        for name in ["serve", "dashboard", "settings", "quarantine"] {
            #expect(hub.stdout.contains(name), "\(shell) completion of omnisync-hub lacks \(name)")
        }
        let agent = try await cli.agent(["--generate-completion-script", shell])
        #expect(agent.status == 0)
        for name in ["record", "sync", "settings"] {
            #expect(agent.stdout.contains(name), "\(shell) completion of omnisync-agent lacks \(name)")
        }
    }
}
