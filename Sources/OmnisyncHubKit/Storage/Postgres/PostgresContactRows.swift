import Foundation
import OmnisyncCore
import PostgresNIO

/// The `customer_contacts` index on PostgreSQL (see ``ContactRows``, whose
/// normalisation it shares).
enum PostgresContactRows {
    /// Rewrites a customer's contacts if their email, phone or erasure
    /// changed since `before` (nil: unknown).
    static func update(_ connection: PostgresConnection, _ state: ProfileState, before: ProfileState?, logger: Logger) async throws {
        if let before, before.isErased == state.isErased,
            before.fields[.email]?.value == state.fields[.email]?.value,
            before.fields[.phone]?.value == state.fields[.phone]?.value
        {
            return
        }
        let countryCode = try await PostgresHubStore.setting(connection, "hub_settings", default: HubSettings.default, logger: logger).phoneCountryCode
        try await delete(connection, customer: state.id.rawValue, logger: logger)
        for (kind, value) in ContactRows.contacts(of: state, phoneCountryCode: countryCode) {
            try await connection.query(
                "INSERT INTO customer_contacts (kind, value, customer) VALUES (\(kind.rawValue), \(value), \(state.id.rawValue)) ON CONFLICT DO NOTHING",
                logger: logger
            )
        }
    }

    static func delete(_ connection: PostgresConnection, customer: String, logger: Logger) async throws {
        try await connection.query("DELETE FROM customer_contacts WHERE customer = \(customer)", logger: logger)
    }

    /// Rebuilds the whole index (a new phone country code).
    static func reindexAll(_ connection: PostgresConnection, logger: Logger) async throws {
        let countryCode = try await PostgresHubStore.setting(connection, "hub_settings", default: HubSettings.default, logger: logger).phoneCountryCode
        try await connection.query("DELETE FROM customer_contacts", logger: logger)
        var kinds: [String] = []
        var values: [String] = []
        var customers: [String] = []
        for try await (id, bytes) in try await connection.query("SELECT id, state FROM customers", logger: logger).decode((String, Data).self) {
            let state: ProfileState
            do {
                state = try ProfileState(compactBytes: [UInt8](bytes))
            } catch {
                throw HubError(.storage, "the stored state of customer \(id) is unreadable (\(error)); restore the hub database from a backup")
            }
            for (kind, value) in ContactRows.contacts(of: state, phoneCountryCode: countryCode) {
                kinds.append(kind.rawValue)
                values.append(value)
                customers.append(id)
            }
        }
        try await connection.query(
            """
            INSERT INTO customer_contacts (kind, value, customer)
            SELECT * FROM unnest(\(kinds)::text[], \(values)::text[], \(customers)::text[]) ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }

    /// The customers holding `value` (oldest id first: ids are time-ordered).
    static func customers(_ connection: PostgresConnection, kind: DuplicateContact.Kind, value: String, logger: Logger) async throws -> [CustomerID] {
        var ids: [CustomerID] = []
        for try await id in try await connection.query(
            "SELECT customer FROM customer_contacts WHERE kind = \(kind.rawValue) AND value = \(value) ORDER BY customer", logger: logger
        ).decode(String.self) {
            if let id = CustomerID(rawValue: id) { ids.append(id) }
        }
        return ids
    }
}
