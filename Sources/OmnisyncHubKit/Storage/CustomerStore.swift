public import Foundation
public import OmnisyncCore

/// Customers as the hub knows them, identity merges and erasure.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
public protocol CustomerStore: Sendable {
    /// A customer by id; an id merged into another answers with that one.
    func customer(id: CustomerID) async throws(HubError) -> CustomerRecord?
    func customer(card: CardNumber) async throws(HubError) -> CustomerRecord?
    /// The customers holding a normalised email address or phone number,
    /// oldest first (more than one: duplicates an operator may merge).
    func customers(holding kind: DuplicateContact.Kind, _ value: String) async throws(HubError) -> [CustomerRecord]
    /// The SKUs a customer bought most, by quantity net of returns, in every channel.
    func topProducts(of customer: CustomerID, limit: Int) async throws(HubError) -> [ProductCount]

    /// Merges `absorbed` into `survivor` ("B merged into A"): one profile that
    /// is the join of both, answering for both ids and cards everywhere.
    func mergeCustomers(survivor: CustomerID, absorbed: CustomerID, at: Date) async throws(HubError) -> CustomerRecord

    /// Erases a customer on request: the profile becomes empty for good on
    /// every replica, and the hub removes their personal data from the
    /// entries it keeps and from the conflict log.
    func eraseCustomer(_ id: CustomerID, at: Date) async throws(HubError) -> CustomerRecord
}
