import Foundation
public import OmnisyncCore

/// What importing a price list changes in the stored one, worked out without
/// I/O so both backends write the same thing: the rows whose body is new or
/// different, and the stored rows the new list no longer has. A price file is
/// the whole list: a row left out of it is removed.
struct PriceImportPlan: Sendable {
    var upserts: [(key: String, body: String, stores: String?)] = []
    var removals: [String] = []
    var report: PriceImportReport

    /// `stored`: the live rows' bodies by key.
    init(stored: [String: String], new list: PriceList) throws(HubError) {
        let entries = list.entries
        report = PriceImportReport(version: 0, entries: entries.count, added: 0, changed: 0, removed: 0, unchanged: 0)
        var listed = Set<String>()
        for entry in entries {
            let body: String
            do {
                body = String(decoding: try WireCoding.encode(entry), as: UTF8.self)
            } catch {
                throw HubError(.storage, "cannot encode the price row \(entry.key): \(error)")
            }
            listed.insert(entry.key)
            switch stored[entry.key] {
            case nil: report.added += 1
            case body: report.unchanged += 1; continue
            default: report.changed += 1
            }
            upserts.append((entry.key, body, entry.storesColumn))
        }
        removals = stored.keys.filter { !listed.contains($0) }.sorted()
        report.removed = removals.count
    }

    /// True when the import changes nothing, so no new version is made.
    var isEmpty: Bool { upserts.isEmpty && removals.isEmpty }

    /// A stored row's body read back.
    static func entry(_ body: String, key: String) throws(HubError) -> PriceListEntry {
        do {
            return try WireCoding.decode(PriceListEntry.self, from: Data(body.utf8))
        } catch {
            throw HubError(.storage, "the stored price row \(key) cannot be read: \(error)")
        }
    }
}
