import Foundation
import GRDB
import OmnisyncCore

/// The `customer_contacts` index: each customer's email address and phone
/// number, normalised (``EmailAddress``, ``PhoneNumber``), so an order from
/// another channel finds the customer a till knows, and customers sharing
/// one show as duplicates.
///
/// The profile keeps the values as they were written (replicas must agree
/// on them); only this index holds the normalised form. It is rewritten
/// when a customer's email or phone changes, and entirely when the chain's
/// phone country code does (a national number becomes readable).
enum ContactRows {
    /// The normalised contacts a profile holds (none once it is erased).
    static func contacts(of state: ProfileState, phoneCountryCode: String?) -> [(DuplicateContact.Kind, String)] {
        guard !state.isErased else { return [] }
        var contacts: [(DuplicateContact.Kind, String)] = []
        if let email = state.fields[.email]?.value.flatMap(EmailAddress.init(normalizing:)) { contacts.append((.email, email.value)) }
        if let phone = state.fields[.phone]?.value.flatMap({ PhoneNumber(normalizing: $0, defaultCallingCode: phoneCountryCode) }) {
            contacts.append((.phone, phone.value))
        }
        return contacts
    }

    /// Rewrites a customer's contacts if their email, phone or erasure
    /// changed since `before` (nil: unknown).
    static func update(_ db: Database, _ state: ProfileState, before: ProfileState?) throws {
        if let before, before.isErased == state.isErased,
            before.fields[.email]?.value == state.fields[.email]?.value,
            before.fields[.phone]?.value == state.fields[.phone]?.value
        {
            return
        }
        let countryCode = try SQLiteHubStore.setting(db, "hub_settings", default: HubSettings.default).phoneCountryCode
        try write(db, state, phoneCountryCode: countryCode)
    }

    private static func write(_ db: Database, _ state: ProfileState, phoneCountryCode: String?) throws {
        try delete(db, customer: state.id.rawValue)
        for (kind, value) in contacts(of: state, phoneCountryCode: phoneCountryCode) {
            try db.run(
                sql: "INSERT INTO customer_contacts (kind, value, customer) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [kind.rawValue, value, state.id.rawValue]
            )
        }
    }

    static func delete(_ db: Database, customer: String) throws {
        try db.run(sql: "DELETE FROM customer_contacts WHERE customer = ?", arguments: [customer])
    }

    /// Rebuilds the whole index (a migration, or a new phone country code).
    static func reindexAll(_ db: Database) throws {
        let countryCode = try SQLiteHubStore.setting(db, "hub_settings", default: HubSettings.default).phoneCountryCode
        try db.execute(sql: "DELETE FROM customer_contacts")
        let rows = try Row.fetchCursor(db, sql: "SELECT id, state FROM customers")
        while let row = try rows.next() {
            let id: String = row[0]
            let state: ProfileState
            do {
                state = try ProfileState(compactBytes: [UInt8](row[1] as Data))
            } catch {
                throw HubError(.storage, "the stored state of customer \(id) is unreadable (\(error)); restore the hub database from a backup")
            }
            for (kind, value) in contacts(of: state, phoneCountryCode: countryCode) {
                try db.execute(
                    sql: "INSERT INTO customer_contacts (kind, value, customer) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [kind.rawValue, value, id]
                )
            }
        }
    }

    /// The customers holding `value` (oldest id first: ids are time-ordered).
    static func customers(_ db: Database, kind: DuplicateContact.Kind, value: String) throws -> [CustomerID] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT customer FROM customer_contacts WHERE kind = ? AND value = ? ORDER BY customer"),
            arguments: [kind.rawValue, value]
        ).compactMap(CustomerID.init(rawValue:))
    }

    /// Contacts more than one customer holds.
    static func duplicates(_ db: Database) throws -> [DuplicateContact] {
        try Row.fetchAll(db, sql: """
            SELECT kind, value, json_group_array(customer) AS customers FROM (
                SELECT kind, value, customer FROM customer_contacts
                WHERE (kind, value) IN (SELECT kind, value FROM customer_contacts GROUP BY kind, value HAVING COUNT(*) > 1)
                ORDER BY kind, value, customer
            )
            GROUP BY kind, value ORDER BY kind, value
            """).map { row in
            let ids = try JSONDecoder().decode([String].self, from: Data((row["customers"] as String).utf8))
            return DuplicateContact(
                kind: DuplicateContact.Kind(rawValue: row["kind"]) ?? .email, value: row["value"], customers: ids.compactMap(CustomerID.init(rawValue:))
            )
        }
    }
}
