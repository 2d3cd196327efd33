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
    /// The hash of the entry's canonical bytes as received, which the
    /// terminal's next entry links to.
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
        self.init(
            seq: entry.seq, id: entry.id.rawValue, terminal: entry.terminal.rawValue, decoded: .success(entry), raw: nil,
            receivedHash: (try? ChainHash.of(entry)) ?? "", previousHash: entry.previousHash
        )
    }

    init(seq: Int64, id: String?, terminal: String?, decoded: Result<JournalEntry, DecodingProblem>, raw: JSONValue?, receivedHash: String, previousHash: String?) {
        self.seq = seq
        self.id = id
        self.terminal = terminal
        self.decoded = decoded
        self.raw = raw
        self.receivedHash = receivedHash
        self.previousHash = previousHash
    }
}

extension IncomingEntry: Decodable {
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
                receivedHash: ChainHash.of(try WireCoding.encode(raw)), previousHash: raw["previousHash"]?.stringValue
            )
        }
    }
}

/// The body of `POST /v1/push` as the hub reads it (see ``PushRequest``).
public struct IncomingPush: Sendable, Hashable {
    public var terminal: TerminalID
    public var backlog: Int64
    public var entries: [IncomingEntry]

    public init(terminal: TerminalID, backlog: Int64, entries: [IncomingEntry]) {
        self.terminal = terminal
        self.backlog = backlog
        self.entries = entries
    }

    public init(_ request: PushRequest) {
        var entries = request.entries.map(IncomingEntry.init)
        for (index, hash) in (request.hashes ?? []).enumerated() where index < entries.count {
            entries[index].recordedHash = hash
        }
        self.init(terminal: request.terminal, backlog: request.backlog, entries: entries)
    }
}

extension IncomingPush: Decodable {
    enum CodingKeys: String, CodingKey {
        case terminal, backlog, entries, hashes
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        terminal = try container.decode(TerminalID.self, forKey: .terminal)
        backlog = try container.decode(Int64.self, forKey: .backlog)
        guard backlog >= 0 else { throw container.invalid(.backlog, "must not be negative") }
        entries = try container.decode([IncomingEntry].self, forKey: .entries)
        guard entries.count <= InputBounds.maxEntriesPerPush else {
            throw container.invalid(.entries, "has \(entries.count) entries; a push may carry at most \(InputBounds.maxEntriesPerPush) (send the rest in the next push)")
        }
        if let hashes = try container.decodeIfPresent([String?].self, forKey: .hashes) {
            guard hashes.count == entries.count else {
                throw container.invalid(.hashes, "has \(hashes.count) items for \(entries.count) entries")
            }
            for (index, hash) in hashes.enumerated() { entries[index].recordedHash = hash }
        }
    }
}
