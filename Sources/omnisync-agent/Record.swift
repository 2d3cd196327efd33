import ArgumentParser
import Foundation
import OmnisyncAgentKit
import OmnisyncCLISupport
import OmnisyncCore

struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a sale, return, loyalty scan or profile change; durable when it exits 0.",
        discussion: "The entry's JSON comes from --json-file FILE, or - for standard input (see docs/pos-integration in the README).",
        subcommands: [RecordSale.self, RecordReturn.self, RecordScan.self, RecordProfile.self]
    )
}

/// The options shared by every `record` kind.
struct RecordOptions: ParsableArguments {
    @OptionGroup var agent: AgentOptions
    @Option(name: .customLong("json-file"), help: ArgumentHelp("The entry's JSON; - reads standard input.", valueName: "FILE"))
    var jsonFile: String?
    @Flag(help: "Print { id, seq, customer } as JSON.") var json = false

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
        }
    }

    func record(_ kind: JournalEvent.Kind) async throws {
        try await reportingFailures(program: "omnisync-agent") {
            try await record(try RecordRequest.decode(kind, from: try readJSON()))
        }
    }
}

struct RecordSale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sale", abstract: "Record a sale.")
    @OptionGroup var options: RecordOptions
    func validate() throws { try options.requireJSONFile() }
    func run() async throws { try await options.record(.sale) }
}

struct RecordReturn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "return", abstract: "Record a return (takes back the points the sale earned).")
    @OptionGroup var options: RecordOptions
    func validate() throws { try options.requireJSONFile() }
    func run() async throws { try await options.record(.return) }
}

struct RecordProfile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Record a change to a customer's profile.")
    @OptionGroup var options: RecordOptions
    func validate() throws { try options.requireJSONFile() }
    func run() async throws { try await options.record(.profile) }
}

struct RecordScan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Record a loyalty card presented at the terminal; an unknown card enrols a new customer."
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
