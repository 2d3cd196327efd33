public import Foundation
public import OmnisyncCore
import PostgresNIO

/// Customers on PostgreSQL: lookups, identity merges and erasure.
extension PostgresHubStore: CustomerStore {
    public func customer(id: CustomerID) async throws(HubError) -> CustomerRecord? {
        try await read { connection in
            try await PostgresCustomerRows.load(connection, id: try await PostgresCustomerRows.resolve(connection, id, logger: logger), logger: logger)
        }
    }

    public func customer(card: CardNumber) async throws(HubError) -> CustomerRecord? {
        try await read { connection in
            guard let holder = try await PostgresCustomerRows.cardHolder(connection, card, logger: logger) else { return nil }
            return try await PostgresCustomerRows.load(connection, id: holder, logger: logger)
        }
    }

    public func customers(holding kind: DuplicateContact.Kind, _ value: String) async throws(HubError) -> [CustomerRecord] {
        try await read { connection in
            let ids = try await PostgresContactRows.customers(connection, kind: kind, value: value, logger: logger)
            let records = try await PostgresCustomerRows.loadMany(connection, ids: Set(ids), lock: false, logger: logger)
            return ids.compactMap { records[$0] }
        }
    }

    public func topProducts(of customer: CustomerID, limit: Int) async throws(HubError) -> [ProductCount] {
        try await read { connection in
            let id = try await PostgresCustomerRows.resolve(connection, customer, logger: logger)
            var counts: [ProductCount] = []
            for try await (sku, quantity) in try await connection.query(
                """
                SELECT l.sku, SUM(CASE o.kind WHEN 'sale' THEN l.quantity ELSE -l.quantity END)::bigint AS quantity
                FROM orders o JOIN order_lines l ON l.order_id = o.id
                WHERE o.customer = \(id.rawValue) GROUP BY l.sku
                HAVING SUM(CASE o.kind WHEN 'sale' THEN l.quantity ELSE -l.quantity END) > 0
                ORDER BY quantity DESC, l.sku LIMIT \(limit)
                """,
                logger: logger
            ).decode((String, Int64).self) {
                counts.append(ProductCount(sku: sku, quantity: quantity))
            }
            return counts
        }
    }

    public func mergeCustomers(survivor: CustomerID, absorbed: CustomerID, at: Date) async throws(HubError) -> CustomerRecord {
        try await transaction { connection in
            let survivorID = try await PostgresCustomerRows.resolve(connection, survivor, logger: logger)
            let absorbedID = try await PostgresCustomerRows.resolve(connection, absorbed, logger: logger)
            guard survivorID != absorbedID else {
                throw HubError(.malformedRequest, "\(absorbed) and \(survivor) are already one customer (\(survivorID))")
            }
            let records = try await PostgresCustomerRows.loadMany(connection, ids: [survivorID, absorbedID], lock: true, logger: logger)
            guard var kept = records[survivorID] else { throw HubError(.notFound, "no customer \(survivor) at the hub") }
            guard let gone = records[absorbedID] else { throw HubError(.notFound, "no customer \(absorbed) at the hub") }
            guard !kept.state.isErased, !gone.state.isErased else {
                throw HubError(.malformedRequest, "an erased customer cannot be merged")
            }
            kept.state.absorb(gone.state)
            kept.activity.absorb(gone.activity)
            try await PostgresCustomerRows.absorb(connection, AliasRecord(alias: absorbedID, target: survivorID, reason: "merged by an operator"), at: at, logger: logger)
            try await PostgresCustomerRows.save(connection, kept, before: nil, stateChanged: true, logger: logger)
            try await PostgresCustomerRows.stamp(connection, [survivorID], logger: logger)
            return kept
        }
    }

    public func eraseCustomer(_ id: CustomerID, at: Date) async throws(HubError) -> CustomerRecord {
        try await transaction { connection in
            let target = try await PostgresCustomerRows.resolve(connection, id, logger: logger)
            guard var record = try await PostgresCustomerRows.load(connection, id: target, lock: true, logger: logger) else {
                throw HubError(.notFound, "no customer \(id) at the hub")
            }
            let cards = record.state.cards.union(
                try await PostgresCustomerRows.cards(connection, of: [target] + record.state.mergedFrom.sorted(), logger: logger)
            )
            var clock = try await Self.hubClock(connection, logger: logger)
            record.state.erase(at: clock.tick(wallMillis: at.millis))
            try await Self.saveHubClock(connection, clock, logger: logger)
            record.activity = CustomerActivity()
            try await PostgresCustomerRows.save(connection, record, before: nil, stateChanged: true, logger: logger)
            try await PostgresCustomerRows.scrubErased(connection, record.state, cards: cards, logger: logger)
            try await PostgresCustomerRows.stamp(connection, [target], logger: logger)
            return record
        }
    }
}
