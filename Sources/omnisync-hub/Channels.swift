import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Channels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register, list and revoke the integrations of other sales channels (the web shop).",
        discussion: """
            A channel's integration sends its orders to POST /v1/orders with its token (see docs/protocol.md); \
            history is loaded with `omnisync-hub import orders FILE.jsonl`.

            Examples:
              omnisync-hub channels add web
              omnisync-hub channels list --json
            """,
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a channel and print its token (shown once, stored hashed).",
            discussion: """
                Examples:
                  omnisync-hub channels add web
                  omnisync-hub channels add app --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The channel's name, as its orders give it (\"web\", \"app\").") var channel: String
        @Flag(help: "Print { channel, token } as JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let token = TerminalToken.generate()
                let record = try await hub.openStore().addChannel(channel, tokenHash: TerminalToken.hash(token), at: Date())
                if json {
                    try Output.json(["channel": record.name, "token": token])
                } else {
                    print("channel \(record.name) registered")
                    print("token: \(token)")
                    print("The token is shown only this once; the integration sends it as Authorization: Bearer TOKEN.")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List registered channels.",
            discussion: """
                Examples:
                  omnisync-hub channels list
                  omnisync-hub channels list --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let channels = try await hub.openStore().channels()
                if json {
                    try Output.json(channels)
                } else if channels.isEmpty {
                    print("no channels registered; add one with `omnisync-hub channels add NAME`")
                } else {
                    Output.table(
                        headers: ["CHANNEL", "REGISTERED", "STATE"],
                        rows: channels.map { [$0.name, RFC3339.format($0.createdAt), $0.revokedAt.map { "revoked \(RFC3339.format($0))" } ?? "active"] }
                    )
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse a channel's token from now on (its orders stay).",
            discussion: """
                Examples:
                  omnisync-hub channels revoke web
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The channel's name.") var channel: String

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let record = try await hub.openStore().revokeChannel(channel, at: Date())
                print("channel \(record.name) revoked; its token is refused from now on")
            }
        }
    }
}
