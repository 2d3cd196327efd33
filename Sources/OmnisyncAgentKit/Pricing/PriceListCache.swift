import OmnisyncCore
import Synchronization

/// The rows every quote reads whatever the SKU (the promotions and the
/// store's region row), decoded once per copy of the price list rather than
/// at each `prices show` and each sale recorded.
///
/// Keyed by the copy's version and the time it was applied, read in the same
/// transaction as the rows: a copy applied by another process (`sync` while
/// the daemon runs) has another key, so a stale entry is never used.
final class PriceListCache: Sendable {
    struct Key: Hashable, Sendable {
        var version: Int64
        var appliedAtMillis: Int64?
    }

    private let cached = Mutex<(key: Key, entries: [PriceListEntry], unreadable: Int)?>(nil)

    /// The shared rows of the copy `key` names, loaded by `load` on a miss.
    func shared(_ key: Key, load: () throws -> (entries: [PriceListEntry], unreadable: Int)) rethrows -> (entries: [PriceListEntry], unreadable: Int) {
        if let hit = cached.withLock({ $0 }), hit.key == key { return (hit.entries, hit.unreadable) }
        let loaded = try load()
        cached.withLock { $0 = (key, loaded.entries, loaded.unreadable) }
        return loaded
    }
}
