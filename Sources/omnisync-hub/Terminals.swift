import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Terminals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register, list and revoke terminals.",
        discussion: """
            Examples:
              omnisync-hub terminals add T-0001 --store PARIS-01
              omnisync-hub terminals list --json
            """,
        subcommands: [Add.self, List.self, RotateToken.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a terminal and print its token (shown once, stored hashed).",
            discussion: """
                Examples:
                  omnisync-hub terminals add T-0001 --store PARIS-01
                  omnisync-hub terminals add T-0002 --store PARIS-01 --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The terminal's id (letters, digits, '.', '_', '-').") var terminal: String
        @Option(help: "The store the terminal belongs to.") var store: String
        @Flag(help: "Print { terminal, store, token } as JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let id = try TerminalID(validating: terminal)
                let storeID = try StoreID(validating: store)
                let token = TerminalToken.generate()
                let record = try await hub.openStore().addTerminal(id, store: storeID, tokenHash: TerminalToken.hash(token), at: Date())
                try Terminals.show(token, of: record, json: json, headline: "terminal \(record.id) registered in store \(record.store)")
            }
        }
    }

    /// Prints a freshly made token, the only time it is ever shown.
    static func show(_ token: String, of record: TerminalRecord, json: Bool, headline: String) throws {
        if json {
            try Output.json(["terminal": record.id.rawValue, "store": record.store.rawValue, "token": token])
        } else {
            print(headline)
            print("token: \(token)")
            print("The token is shown only this once; give it to `omnisync-agent init --token` on the device.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List registered terminals.",
            discussion: """
                Examples:
                  omnisync-hub terminals list
                  omnisync-hub terminals list --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let terminals = try await hub.openStore().terminals()
                if json {
                    try Output.json(terminals.map(TerminalListing.init))
                } else if terminals.isEmpty {
                    print("no terminals registered; add one with `omnisync-hub terminals add TERMINAL --store STORE`")
                } else {
                    Output.table(
                        headers: ["TERMINAL", "STORE", "REGISTERED", "STATE"],
                        rows: terminals.map { terminal in
                            [terminal.id.rawValue, terminal.store.rawValue, RFC3339.format(terminal.createdAt),
                             terminal.revokedAt.map { "revoked \(RFC3339.format($0))" } ?? "active"]
                        }
                    )
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse a terminal's token from now on (its entries stay at the hub).",
            discussion: """
                Examples:
                  omnisync-hub terminals revoke T-0001
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The terminal's id.") var terminal: String

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let record = try await hub.openStore().revokeTerminal(try TerminalID(validating: terminal), at: Date())
                print("terminal \(record.id) revoked; its token is refused from now on")
            }
        }
    }

    struct RotateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-token",
            abstract: "Give a terminal a new token (shown once); the old one is refused from now on.",
            discussion: """
                The terminal keeps its id, sequence and entries. On the device, run `omnisync-agent init` again with \
                the same --hub and --terminal and the new --token: pending entries are kept and sync resumes.

                Examples:
                  omnisync-hub terminals rotate-token T-0001
                  omnisync-hub terminals rotate-token T-0001 --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The terminal's id.") var terminal: String
        @Flag(help: "Print { terminal, store, token } as JSON.") var json = false

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let token = TerminalToken.generate()
                let record = try await hub.openStore().rotateToken(try TerminalID(validating: terminal), tokenHash: TerminalToken.hash(token))
                try Terminals.show(token, of: record, json: json, headline: "terminal \(record.id) has a new token; the old one is refused from now on")
            }
        }
    }
}

/// A terminal as `terminals list --json` prints it (never with its token hash).
struct TerminalListing: Encodable {
    var terminal: String
    var store: String
    var registered: Date
    var revoked: Date?

    init(_ record: TerminalRecord) {
        terminal = record.id.rawValue
        store = record.store.rawValue
        registered = record.createdAt
        revoked = record.revokedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(terminal, forKey: AnyCodingKey("terminal"))
        try container.encode(store, forKey: AnyCodingKey("store"))
        try container.encode(registered, forKey: AnyCodingKey("registered"))
        try container.encode(revoked, forKey: AnyCodingKey("revoked"))
    }
}
