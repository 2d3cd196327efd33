public import Foundation

/// One entry of a terminal's journal: the unit that is recorded durably at the
/// till, pushed to the hub, and stored there exactly once.
///
/// `(terminal, seq)` identifies an entry at the hub; `seq` is gapless per
/// terminal, starting at 1. `id` is minted with the entry and lets the hub tell
/// a harmless resend (same id) from a journal that was reset and reuses a
/// sequence number (different id).
///
/// Entries of a terminal form a hash chain: `previousHash` is the SHA-256 of
/// the canonical bytes of the terminal's previous entry (absent for seq 1), so
/// an entry modified, removed or forged in the journal is detected by
/// `omnisync-agent verify` and by the hub.
///
/// Wire form: `{ "id", "terminal", "seq", "recordedAt", "hlc", "previousHash"?,
/// "kind", "data" }` where `data` is the event of that kind.
public struct JournalEntry: Hashable, Sendable {
    public var id: EntryID
    public var terminal: TerminalID
    public var seq: Int64
    public var recordedAt: Date
    public var hlc: HLCTimestamp
    /// Hex SHA-256 of the terminal's previous entry; nil for the first.
    public var previousHash: String?
    public var event: JournalEvent

    public init(id: EntryID, terminal: TerminalID, seq: Int64, recordedAt: Date, hlc: HLCTimestamp, previousHash: String? = nil, event: JournalEvent) {
        self.id = id
        self.terminal = terminal
        self.seq = seq
        self.recordedAt = recordedAt
        self.hlc = hlc
        self.previousHash = previousHash
        self.event = event
    }
}

extension JournalEntry: Codable {
    enum CodingKeys: String, CodingKey {
        case id, terminal, seq, recordedAt, hlc, previousHash, kind, data
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(EntryID.self, forKey: .id)
        terminal = try container.decode(TerminalID.self, forKey: .terminal)
        seq = try container.decodeInteger(forKey: .seq)
        guard seq >= 1 else { throw container.invalid(.seq, "must be 1 or more") }
        recordedAt = try container.decode(Date.self, forKey: .recordedAt)
        hlc = try container.decode(HLCTimestamp.self, forKey: .hlc)
        guard hlc.replica == ReplicaID(terminal) else {
            throw container.invalid(.hlc, "timestamp replica \(hlc.replica) is not the entry's terminal \(terminal)")
        }
        previousHash = try container.decodeIfPresent(String.self, forKey: .previousHash)
        if let previousHash, !ChainHash.isWellFormed(previousHash) {
            throw container.invalid(.previousHash, "expected 64 lowercase hex digits")
        }
        switch try container.decode(JournalEvent.Kind.self, forKey: .kind) {
        case .sale: event = .sale(try container.decode(SaleEvent.self, forKey: .data))
        case .return: event = .return(try container.decode(ReturnEvent.self, forKey: .data))
        case .scan: event = .scan(try container.decode(ScanEvent.self, forKey: .data))
        case .profile: event = .profile(try container.decode(ProfileEvent.self, forKey: .data))
        case .feedback: event = .feedback(try container.decode(FeedbackEvent.self, forKey: .data))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(seq, forKey: .seq)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(hlc, forKey: .hlc)
        try container.encodeIfPresent(previousHash, forKey: .previousHash)
        try container.encode(event.kind, forKey: .kind)
        switch event {
        case .sale(let sale): try container.encode(sale, forKey: .data)
        case .return(let ret): try container.encode(ret, forKey: .data)
        case .scan(let scan): try container.encode(scan, forKey: .data)
        case .profile(let profile): try container.encode(profile, forKey: .data)
        case .feedback(let feedback): try container.encode(feedback, forKey: .data)
        }
    }
}
