public import Foundation

/// What a till needs to bring its copy of the price list to `version`:
/// the rows that changed since the version it has (each once, as it is now)
/// and the keys of rows to drop, or, when `full`, the whole list to replace
/// its copy with (a till that never had one, or whose version the hub does not
/// know, after a restore from backup). A till applies it in one transaction,
/// so it never prices with half a list.
public struct PriceDelta: Sendable, Hashable, Codable {
    public var version: Int64
    public var full: Bool
    public var entries: [PriceListEntry]
    public var removed: [String]

    public init(version: Int64, full: Bool, entries: [PriceListEntry], removed: [String]) {
        self.version = version
        self.full = full
        self.entries = entries
        self.removed = removed
    }

    /// One stored row as a backend reads it: its key, its entry (nil when
    /// removed) and the version that last changed it.
    public struct StoredRow: Sendable {
        public var key: String
        public var entry: PriceListEntry?
        public var version: Int64

        public init(key: String, entry: PriceListEntry?, version: Int64) {
            self.key = key
            self.entry = entry
            self.version = version
        }
    }

    /// The delta for `store` from `since` to `current`, out of `rows`: every
    /// live row when full, else the rows changed after `since`. A row that is
    /// gone, or that no longer concerns the store, is sent as a key to drop.
    public static func make(since: Int64, current: Int64, rows: some Sequence<StoredRow>, for store: StoreID) -> PriceDelta {
        let full = since == 0 || since > current
        var entries: [PriceListEntry] = []
        var removed: [String] = []
        for row in rows where full || row.version > since {
            if let entry = row.entry, entry.concerns(store) {
                entries.append(entry)
            } else if !full {
                removed.append(row.key)
            }
        }
        return PriceDelta(version: current, full: full, entries: entries, removed: removed)
    }
}

extension PriceListEntry {
    /// The only stores this row concerns; nil for every store. A store's own
    /// prices and its region row concern it alone, a promotion limited to
    /// some stores those stores. Region prices all travel (a store's region
    /// can change without its prices changing); the till picks its own.
    public var stores: Set<StoreID>? {
        switch self {
        case .rule(.override(_, .store(let owner), _)): [owner]
        case .rule(.promotion(let promotion)): promotion.stores
        case .region(let member, _): [member]
        case .rule(.base), .rule(.member), .rule(.override(_, .region, _)), .category: nil
        }
    }

    /// False for what only other stores use.
    public func concerns(_ store: StoreID) -> Bool {
        stores?.contains(store) ?? true
    }

    /// ``stores`` as a backend keeps it in a column beside the row, so a
    /// store's rows are chosen without reading them: the ids in order, each
    /// between spaces (`" LYON-02 PARIS-01 "`, found by searching for
    /// `" PARIS-01 "`: ids have no spaces); nil for every store.
    public var storesColumn: String? {
        stores.map { " " + $0.map(\.rawValue).sorted().joined(separator: " ") + " " }
    }

    /// What a ``storesColumn`` value is searched for to find `store`'s rows.
    public static func storesColumnNeedle(_ store: StoreID) -> String { " \(store) " }
}

extension PriceDelta {
    /// Writes a delta's JSON from rows kept as JSON (the hub stores each row
    /// as ``WireCoding`` encodes it), splicing them in as they are rather than
    /// decoding and encoding a whole list for every till that asks.
    /// Canonical like the encoder's: a ``PriceDelta`` decodes from it.
    public struct BodyWriter: Sendable {
        private var entriesJSON = Data()
        private var removed: [String] = []
        /// Rows spliced in so far, and keys to drop.
        public private(set) var entryCount = 0
        public var removedCount: Int { removed.count }

        public init(reservingCapacity bytes: Int = 0) {
            entriesJSON.reserveCapacity(bytes)
        }

        /// A row the till must hold, as stored.
        public mutating func append(entryJSON: some Sequence<UInt8>) {
            if entryCount > 0 { entriesJSON.append(UInt8(ascii: ",")) }
            entriesJSON.append(contentsOf: entryJSON)
            entryCount += 1
        }

        /// A key the till must drop.
        public mutating func remove(_ key: String) {
            removed.append(key)
        }

        /// The JSON of the delta to `version`.
        public func body(version: Int64, full: Bool) throws -> Data {
            var body = Data()
            body.reserveCapacity(entriesJSON.count + 64)
            body.append(contentsOf: #"{"entries":["#.utf8)
            body.append(entriesJSON)
            body.append(contentsOf: #"],"full":\#(full),"removed":"#.utf8)
            body.append(try WireCoding.encode(removed))
            body.append(contentsOf: #","version":\#(version)}"#.utf8)
            return body
        }
    }
}

extension PriceDelta {
    /// A delta as a till receives it: decoded, with each entry's JSON as it
    /// came (the hub sends the rows it stores, canonical), so the till can
    /// store a row without encoding it again; nil when the body is laid out
    /// otherwise, and the till encodes the rows itself.
    public struct Received: Sendable {
        public var delta: PriceDelta
        public var entryJSON: [Data]?

        public init(delta: PriceDelta, entryJSON: [Data]?) {
            self.delta = delta
            self.entryJSON = entryJSON
        }

        /// Reads `body`; a body that is no delta throws what the decoder
        /// found wrong.
        public static func read(_ body: Data) throws(DecodingProblem) -> Received {
            let delta = try WireCoding.decode(PriceDelta.self, from: body)
            let slices = body.withUnsafeBytes { buffer in try? Self.entryRanges(buffer) }
            guard let slices, slices.count == delta.entries.count else { return Received(delta: delta, entryJSON: nil) }
            return Received(delta: delta, entryJSON: slices.map { body[body.startIndex + $0.lowerBound ..< body.startIndex + $0.upperBound] })
        }

        /// Where each element of `entries` lies in a canonical body.
        private static func entryRanges(_ buffer: UnsafeRawBufferPointer) throws(CanonicalJSONReader.NotCanonical) -> [Range<Int>] {
            var reader = CanonicalJSONReader(buffer)
            var first = true
            try reader.expect(UInt8(ascii: "{"))
            try reader.requiredKey("entries", first: &first)
            try reader.expect(UInt8(ascii: "["))
            var ranges: [Range<Int>] = []
            if reader.consume(UInt8(ascii: "]")) { return ranges }
            repeat {
                let start = reader.position
                _ = try reader.skipValue()
                ranges.append(start..<reader.position)
            } while reader.consume(UInt8(ascii: ","))
            try reader.expect(UInt8(ascii: "]"))
            return ranges
        }
    }
}
