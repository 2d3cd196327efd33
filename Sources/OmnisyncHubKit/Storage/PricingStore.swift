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
    /// version the hub never made.
    func priceChanges(since: Int64, for store: StoreID) async throws(HubError) -> PriceDelta

    /// Notes that `terminal` runs price-list `version` (it asked for the
    /// changes since it); the time is kept only when the version changes.
    func recordPriceListVersion(_ version: Int64, of terminal: TerminalID, at time: Date) async throws(HubError)

    /// The price overrides tills recorded with their sales, totalled per
    /// store and cashier.
    func priceOverrides(_ query: PriceOverrideQuery) async throws(HubError) -> PriceOverrideReport
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
