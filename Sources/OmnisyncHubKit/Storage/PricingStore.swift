public import Foundation
public import OmnisyncCore

/// The chain's price list, versioned for the tills.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
/// Every import that changes something makes a new version; each row keeps the
/// version that last changed it (a removed row stays as a marker), so a till
/// can be sent only what changed since the version it has.
public protocol PricingStore: Sendable {
    /// Replaces the price list with `list` in one transaction: rows not in it
    /// are removed. Nothing changes, and no version is made, when the list is
    /// the stored one.
    func importPriceList(_ list: PriceList, at time: Date) async throws(HubError) -> PriceImportReport

    /// The current list and its version (0 and an empty list before any import).
    func priceList() async throws(HubError) -> StoredPriceList

    /// What a till of `store` that has version `since` needs (``PriceDelta``):
    /// the rows changed since, or the whole list when `since` is 0 or a
    /// version the hub never made. Encoded with the stored rows spliced in:
    /// a whole list is read and sent without decoding a row.
    func priceChanges(since: Int64, for store: StoreID) async throws(HubError) -> EncodedPriceDelta

    /// Notes that `terminal` runs price-list `version` (it asked for the
    /// changes since it); the time is kept only when the version changes.
    func recordPriceListVersion(_ version: Int64, of terminal: TerminalID, at time: Date) async throws(HubError)

    /// The price overrides tills recorded with their sales, totalled per
    /// store and cashier.
    func priceOverrides(_ query: PriceOverrideQuery) async throws(HubError) -> PriceOverrideReport
}

/// A ``PriceDelta`` as the hub sends it: its JSON, and what it holds.
public struct EncodedPriceDelta: Sendable {
    public var version: Int64
    public var full: Bool
    public var entries: Int
    public var removed: Int
    public var body: Data

    /// The delta from `since` to `current` out of stored rows read one by one
    /// (`key`, `body` as stored, `stores` column, removed), the rule of
    /// ``PriceDelta/make(since:current:rows:for:)`` without decoding them:
    /// every live row of the store when full, else each row changed since,
    /// sent as it is or, gone or no longer the store's, as a key to drop.
    struct Builder {
        let since: Int64
        let current: Int64
        let needle: String
        var writer = PriceDelta.BodyWriter()

        init(since: Int64, current: Int64, store: StoreID) {
            self.since = since
            self.current = current
            needle = PriceListEntry.storesColumnNeedle(store)
        }

        var full: Bool { since == 0 || since > current }

        mutating func add(key: String, body: some Sequence<UInt8>, stores: String?, removed: Bool) {
            if !removed, stores.map({ $0.contains(needle) }) ?? true {
                writer.append(entryJSON: body)
            } else if !full {
                writer.remove(key)
            }
        }

        func finish() throws(HubError) -> EncodedPriceDelta {
            do {
                return EncodedPriceDelta(
                    version: current, full: full, entries: writer.entryCount, removed: writer.removedCount,
                    body: try writer.body(version: current, full: full)
                )
            } catch {
                throw HubError(.storage, "cannot encode the price delta: \(error)")
            }
        }
    }
}

/// What `prices import` changed.
public struct PriceImportReport: Sendable, Hashable, Encodable {
    /// The version now current (unchanged when nothing changed).
    public var version: Int64
    public var entries: Int
    public var added: Int
    public var changed: Int
    public var removed: Int
    public var unchanged: Int

    public init(version: Int64, entries: Int, added: Int, changed: Int, removed: Int, unchanged: Int) {
        self.version = version
        self.entries = entries
        self.added = added
        self.changed = changed
        self.removed = removed
        self.unchanged = unchanged
    }
}

/// The current price list with its version.
public struct StoredPriceList: Sendable, Hashable {
    public var version: Int64
    /// When that version was imported; nil before any import.
    public var importedAt: Date?
    public var list: PriceList

    public init(version: Int64, importedAt: Date?, list: PriceList) {
        self.version = version
        self.importedAt = importedAt
        self.list = list
    }
}
