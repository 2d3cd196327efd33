public import Foundation

/// `POST /v1/push`: a batch of journal entries from one terminal.
///
/// Entries are in ascending, consecutive sequence order. `backlog` is how many
/// entries the terminal still holds beyond this batch, shown at the hub so head
/// office sees which terminals are behind. (Clock skew is measured from the
/// `Omnisync-Sent-At` header every request carries.) `hashes`, when present,
/// gives for each entry the hash the terminal stored when it recorded it (null
/// for an entry redacted since): the hub checks the content it receives
/// against it, so an entry edited in the journal is caught on itself.
public struct PushRequest: Hashable, Sendable, Codable {
    public var terminal: TerminalID
    public var backlog: Int64
    public var entries: [JournalEntry]
    public var hashes: [String?]?

    public init(terminal: TerminalID, backlog: Int64, entries: [JournalEntry], hashes: [String?]? = nil) {
        self.terminal = terminal
        self.backlog = backlog
        self.entries = entries
        self.hashes = hashes
    }

    /// Builds the same JSON document from entries already encoded with
    /// ``WireCoding`` (as the agent's journal stores them), without decoding
    /// and re-encoding every entry of a large catch-up.
    public static func body(terminal: TerminalID, backlog: Int64, encodedEntries: [Data], hashes: [String?]) -> Data {
        var body = Data()
        body.append(contentsOf: #"{"backlog":\#(backlog),"entries":["#.utf8)
        for (index, entry) in encodedEntries.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(entry)
        }
        // Hashes are hex digits: safe to write as they are.
        let hashList = hashes.map { $0.map { "\"\($0)\"" } ?? "null" }.joined(separator: ",")
        body.append(contentsOf: #"],"hashes":[\#(hashList)],"terminal":"\#(terminal.rawValue)"}"#.utf8)
        return body
    }
}
