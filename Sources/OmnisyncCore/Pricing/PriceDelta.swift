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
    /// False for what only other stores use: their own prices, their regions,
    /// promotions limited to them. Region prices all travel (a store's region
    /// can change without its prices changing); the till picks its own.
    public func concerns(_ store: StoreID) -> Bool {
        switch self {
        case .rule(.override(_, .store(let owner), _)): owner == store
        case .rule(.promotion(let promotion)): promotion.stores?.contains(store) ?? true
        case .region(let member, _): member == store
        case .rule(.base), .rule(.member), .rule(.override(_, .region, _)), .category: true
        }
    }
}
