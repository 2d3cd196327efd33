import ArgumentParser
import Foundation
import OmnisyncAgentKit
import OmnisyncCLISupport
import OmnisyncCore

struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a sale, return, loyalty scan or profile change; durable when it exits 0.",
        discussion: """
            The entry's JSON comes from --json-file FILE, or - for standard input (see docs/pos-integration in the README).

            Examples:
              omnisync-agent record sale --json-file sale.json
              omnisync-agent record scan --card 4000123412341234
              echo '{"card":"4000123412341234","set":{"email":"ada@example.com"}}' | omnisync-agent record profile --json-file -
            """,
        subcommands: [RecordSale.self, RecordReturn.self, RecordScan.self, RecordProfile.self, RecordFeedback.self]
    )
}

/// The options shared by every `record` kind.
struct RecordOptions: ParsableArguments {
    @OptionGroup var agent: AgentOptions
    @Option(name: .customLong("json-file"), help: ArgumentHelp("The entry's JSON; - reads standard input.", valueName: "FILE"))
    var jsonFile: String?
    @Flag(help: "Print { id, seq, customer, enrolled, priceOverrides } as JSON.") var json = false

    /// A usage error (exit 2) when the entry's JSON has no source.
    func requireJSONFile() throws {
        guard jsonFile != nil else { throw ValidationError("give the entry as --json-file FILE (or - for standard input)") }
    }

    func readJSON() throws -> Data {
        guard let jsonFile else { throw ValidationError("give the entry as --json-file FILE (or - for standard input)") }
        if jsonFile == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: jsonFile) else {
            throw AgentError(.invalidInput, "cannot read \(jsonFile)")
        }
        return data
    }

    /// Records `request` and prints the receipt.
    func record(_ request: RecordRequest) async throws {
        let receipt = try await agent.open().record(request)
        if json {
            try Output.json(receipt)
        } else {
            print(receipt.id.rawValue)
            // The id stays alone on standard output for scripts; the note goes to the operator.
            for override in receipt.priceOverrides {
                Output.error(
                    "line \(override.line) (\(override.sku)) charged \(override.charged), the price list says \(override.quoted) (\(override.rule)): recorded as a price override"
                )
            }
        }
    }

    func record(_ kind: JournalEvent.Kind) async throws {
        try await reportingFailures(program: "omnisync-agent") {
            try await record(try RecordRequest.decode(kind, from: try readJSON()))
        }
    }
}

struct RecordSale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sale",
        abstract: "Record a sale.",
        discussion: """
            Examples:
              omnisync-agent record sale --json-file sale.json
              omnisync-agent record sale --json-file - --json < sale.json
            """
    )
    @OptionGroup var options: RecordOptions
    func validate() throws { try options.requireJSONFile() }
    func run() async throws { try await options.record(.sale) }
}

struct RecordReturn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "return",
        abstract: "Record a return (takes back the points the sale earned).",
        discussion: """
            Examples:
              omnisync-agent record return --json-file return.json
            """
    )
    @OptionGroup var options: RecordOptions
    func validate() throws { try options.requireJSONFile() }
    func run() async throws { try await options.record(.return) }
}

struct RecordProfile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Record a change to a customer's profile.",
        discussion: """
            Examples:
              omnisync-agent record profile --json-file change.json
              echo '{"card":"4000123412341234","set":{"email":"ada@example.com"},"addTags":["running"]}' | omnisync-agent record profile --json-file -
            """
    )
    @OptionGroup var options: RecordOptions
    func validate() throws { try options.requireJSONFile() }
    func run() async throws { try await options.record(.profile) }
}

struct RecordFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Record a customer's satisfaction (a score from 0 to 10, a comment), at a till or a kiosk.",
        discussion: """
            The JSON: {"score": 0..10, "comment"?: "...", "card"?|"customer"?: ..., "receipt"?: "..."}; anonymous when \
            no customer is named. The comment is personal data: masked in listings, erased with the customer.

            Examples:
              omnisync-agent record feedback --json-file feedback.json
              echo '{"score":9,"comment":"Quick and friendly","receipt":"R-1001"}' | omnisync-agent record feedback --json-file -
            """
    )
    @OptionGroup var options: RecordOptions
    func validate() throws { try options.requireJSONFile() }
    func run() async throws { try await options.record(.feedback) }
}

struct RecordScan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Record a loyalty card presented at the terminal; an unknown card enrols a new customer.",
        discussion: """
            Examples:
              omnisync-agent record scan --card 4000123412341234
              omnisync-agent record scan --json-file scan.json
            """
    )
    @OptionGroup var options: RecordOptions
    @Option(help: "The card number (instead of --json-file).") var card: String?

    func validate() throws {
        guard (card == nil) != (options.jsonFile == nil) else { throw ValidationError("give --card N or --json-file FILE") }
    }

    func run() async throws {
        guard let card else { return try await options.record(.scan) }
        try await reportingFailures(program: "omnisync-agent") {
            guard let number = CardNumber(rawValue: card) else {
                throw AgentError(.invalidInput, "invalid scan: card: use 4-32 letters or digits")
            }
            try await options.record(.scan(ScanRequest(card: number)))
        }
    }
}
