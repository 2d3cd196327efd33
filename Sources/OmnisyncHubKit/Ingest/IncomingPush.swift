public import Foundation
public import OmnisyncCore

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

extension IncomingPush {
    /// Reads a push body without Foundation's decoder for what the agent
    /// sends: its stored entry bytes spliced into a canonical envelope (see
    /// ``PushRequest/body(terminal:backlog:encodedEntries:hashes:)``). Each
    /// entry keeps the bytes it came in, which the hub stores and hashes as
    /// they are. An entry outside the canonical fast path (a profile change,
    /// an escaped string) is read on its own by the full decoder; a body that
    /// is not canonical, or an entry that does not decode, sends the whole
    /// body through the full decoder, so errors read as they always did.
    public static func read(_ body: Data) throws(DecodingProblem) -> IncomingPush {
        let fast = body.withUnsafeBytes { buffer in try? readCanonical(buffer, body) }
        if let fast { return fast }
        return try WireCoding.decode(IncomingPush.self, from: body)
    }

    private static func readCanonical(_ buffer: UnsafeRawBufferPointer, _ body: Data) throws -> IncomingPush {
        var reader = CanonicalJSONReader(buffer)
        var first = true
        try reader.expect(UInt8(ascii: "{"))
        try reader.requiredKey("backlog", first: &first)
        let backlog = try reader.int64()
        guard backlog >= 0 else { throw CanonicalJSONReader.NotCanonical() }
        try reader.requiredKey("entries", first: &first)
        try reader.expect(UInt8(ascii: "["))
        var entries: [IncomingEntry] = []
        if !reader.consume(UInt8(ascii: "]")) {
            repeat {
                guard entries.count < InputBounds.maxEntriesPerPush else { throw CanonicalJSONReader.NotCanonical() }
                let start = reader.position
                if let entry = try? JournalEntry.readCanonical(&reader) {
                    entries.append(IncomingEntry(entry, bytes: body[(body.startIndex + start)..<(body.startIndex + reader.position)]))
                } else {
                    reader = CanonicalJSONReader(buffer, at: start)
                    _ = try reader.skipValue()
                    let entry = try IncomingEntry.read(Data(body[(body.startIndex + start)..<(body.startIndex + reader.position)]))
                    // An entry that does not decode: the full decoder of the
                    // whole body words its problem with its place in the push.
                    guard case .success = entry.decoded else { throw CanonicalJSONReader.NotCanonical() }
                    entries.append(entry)
                }
            } while reader.consume(UInt8(ascii: ","))
            try reader.expect(UInt8(ascii: "]"))
        }
        var hashes: [String?]?
        if reader.key("hashes", first: &first) {
            try reader.expect(UInt8(ascii: "["))
            var list: [String?] = []
            if !reader.consume(UInt8(ascii: "]")) {
                repeat {
                    list.append(reader.consumeNull() ? nil : try reader.string())
                } while reader.consume(UInt8(ascii: ","))
                try reader.expect(UInt8(ascii: "]"))
            }
            guard list.count == entries.count else { throw CanonicalJSONReader.NotCanonical() }
            hashes = list
        }
        try reader.requiredKey("terminal", first: &first)
        let terminal = try reader.value(TerminalID.self)
        try reader.expect(UInt8(ascii: "}"))
        guard reader.isAtEnd else { throw CanonicalJSONReader.NotCanonical() }
        for (index, hash) in (hashes ?? []).enumerated() { entries[index].recordedHash = hash }
        return IncomingPush(terminal: terminal, backlog: backlog, entries: entries)
    }
}
