public import Foundation
public import OmnisyncCore

/// One entry of a push, decoded on its own.
///
/// An entry the hub cannot read (a newer agent's format, a bug) must not fail
/// the whole batch and block the terminal: it is kept as it came, with the
/// reason, and quarantined. Only its sequence number must be readable, since
/// without it the hub cannot place it in the terminal's journal.
public struct IncomingEntry: Sendable, Hashable {
    public var seq: Int64
    /// The entry id, when readable (resends are checked against it).
    public var id: String?
    /// The terminal the entry claims to come from, when readable.
    public var terminal: String?
    /// The entry, or why it could not be decoded.
    public var decoded: Result<JournalEntry, DecodingProblem>
    /// The entry exactly as received, kept for entries that failed to decode.
    public var raw: JSONValue?
    /// The entry's canonical bytes: as received when they arrived canonical
    /// (what the agent sends), else re-encoded. What the hub stores.
    public var bytes: Data
    /// The hash of ``bytes``, which the terminal's next entry links to.
    public var receivedHash: String
    /// The hash of the previous entry this one claims to follow.
    public var previousHash: String?
    /// The hash the terminal stored when it recorded the entry, if it sent one.
    public var recordedHash: String?

    /// The id the hub stores for this entry and compares resends against; an
    /// entry whose id is unreadable is stored under the empty id, so that its
    /// resend is recognised too.
    public var storedID: String { id ?? "" }

    public init(_ entry: JournalEntry) {
        self.init(entry, bytes: (try? entry.canonicalBytes()) ?? Data())
    }

    /// An entry read from `bytes`, which must be its canonical encoding.
    init(_ entry: JournalEntry, bytes: Data) {
        self.init(
            seq: entry.seq, id: entry.id.rawValue, terminal: entry.terminal.rawValue, decoded: .success(entry), raw: nil,
            bytes: bytes, previousHash: entry.previousHash
        )
    }

    init(seq: Int64, id: String?, terminal: String?, decoded: Result<JournalEntry, DecodingProblem>, raw: JSONValue?, bytes: Data, previousHash: String?) {
        self.seq = seq
        self.id = id
        self.terminal = terminal
        self.decoded = decoded
        self.raw = raw
        self.bytes = bytes
        self.receivedHash = ChainHash.of(bytes)
        self.previousHash = previousHash
    }
}

extension IncomingEntry: Decodable {
    /// Reads one entry from its bytes: the canonical fast path first, the
    /// full decoder for anything else.
    public static func read(_ bytes: Data) throws(DecodingProblem) -> IncomingEntry {
        if let entry = try? bytes.withUnsafeBytes({ buffer throws(CanonicalJSONReader.NotCanonical) in try JournalEntry.readCanonical(buffer) }) {
            return IncomingEntry(entry, bytes: bytes)
        }
        return try WireCoding.decode(IncomingEntry.self, from: bytes)
    }

    public init(from decoder: any Decoder) throws {
        do {
            self.init(try JournalEntry(from: decoder))
            return
        } catch {
            let problem = DecodingProblem(error)
            let raw = try JSONValue(from: decoder)
            guard case .integer(let seq)? = raw["seq"], seq >= 1 else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath + [AnyCodingKey("seq")],
                    debugDescription: "every entry needs a readable seq (1 or more)"
                ))
            }
            // Canonical re-encoding gives back the bytes the terminal hashed.
            self.init(
                seq: seq, id: raw["id"]?.stringValue, terminal: raw["terminal"]?.stringValue, decoded: .failure(problem), raw: raw,
                bytes: try WireCoding.encode(raw), previousHash: raw["previousHash"]?.stringValue
            )
        }
    }
}
