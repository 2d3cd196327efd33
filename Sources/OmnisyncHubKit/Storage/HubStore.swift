public import Foundation
public import OmnisyncCore

/// Everything the hub stores, behind one protocol.
///
/// Routes and commands talk to this protocol only; SQL stays inside the
/// backends (embedded SQLite now, PostgreSQL later). Each method is atomic:
/// it either happens entirely or not at all. The logic that decides what a
/// push means (``PushPlan``, ``Ingestor``) is pure and shared, so backends
/// differ only in how they read and write.
public protocol HubStore: Sendable {
    // MARK: Terminals

    /// Registers a terminal with the hash of its token.
    func addTerminal(_ id: TerminalID, store: StoreID, tokenHash: String, at: Date) async throws(HubError) -> TerminalRecord

    /// Every registered terminal, revoked ones included, ordered by id.
    func terminals() async throws(HubError) -> [TerminalRecord]

    /// Refuses the terminal's token from now on. Its entries stay.
    func revokeTerminal(_ id: TerminalID, at: Date) async throws(HubError) -> TerminalRecord

    /// Replaces an active terminal's token: the old one is refused from now
    /// on, the terminal keeps its id, sequence and entries. Refused for a
    /// revoked terminal (revocation is final).
    func rotateToken(_ id: TerminalID, tokenHash: String) async throws(HubError) -> TerminalRecord

    /// The terminal whose token hashes to `tokenHash`, revoked or not.
    func terminal(tokenHash: String) async throws(HubError) -> TerminalRecord?

    // MARK: Sync

    /// Stores a batch of entries exactly once and applies them to profiles,
    /// quarantining any it cannot apply; records the terminal's contact.
    func push(_ batch: IncomingPush, from terminal: TerminalRecord, contact: TerminalContact) async throws(HubError) -> PushResponse

    /// Profiles of the terminal's store changed after `cursor`; records the contact.
    func pull(for terminal: TerminalRecord, after cursor: String?, limit: Int, contact: TerminalContact) async throws(HubError) -> PullPage

    /// The customer holding `card`, now also a customer of the terminal's
    /// store (so it comes with the store's pulls); nil when no one holds it.
    /// Every lookup is audited; past `HubSettings.cardLookupsPerMinute` in the
    /// last minute the terminal is refused with `tooManyRequests`.
    func lookUp(card: CardNumber, for terminal: TerminalRecord, contact: TerminalContact) async throws(HubError) -> ProfileState?
    /// The card lookup audit, newest first, for one terminal or all.
    func cardLookups(terminal: TerminalID?, limit: Int) async throws(HubError) -> [CardLookupRecord]

    // MARK: Customers

    /// A customer by id; an id merged into another answers with that one.
    func customer(id: CustomerID) async throws(HubError) -> CustomerRecord?
    func customer(card: CardNumber) async throws(HubError) -> CustomerRecord?

    /// Merges `absorbed` into `survivor` ("B merged into A"): one profile that
    /// is the join of both, answering for both ids and cards everywhere.
    func mergeCustomers(survivor: CustomerID, absorbed: CustomerID, at: Date) async throws(HubError) -> CustomerRecord

    /// Erases a customer on request: the profile becomes empty for good on
    /// every replica, and the hub removes their personal data from the
    /// entries it keeps and from the conflict log.
    func eraseCustomer(_ id: CustomerID, at: Date) async throws(HubError) -> CustomerRecord

    // MARK: Operators

    /// Terminal progress and the counts operators watch.
    func status() async throws(HubError) -> HubStatusReport

    /// Concurrent edits resolved, newest first, optionally for one customer.
    func conflicts(customer: CustomerID?, limit: Int) async throws(HubError) -> [ConflictRecord]

    /// Overdrafts waiting for review (or all of them), oldest first.
    func overdrafts(includeApproved: Bool) async throws(HubError) -> [OverdraftRecord]

    /// Entries stored but not applied, oldest first.
    func quarantined() async throws(HubError) -> [QuarantinedEntry]

    /// Tries again to apply quarantined entries (all, or one terminal's
    /// `seq`), after a fix; `accept` overrides policy exceptions an operator
    /// judged legitimate. An entry that still cannot be applied stays, with
    /// the new reason.
    func retryQuarantined(terminal: TerminalID?, seq: Int64?, accept: Bool, at: Date) async throws(HubError) -> [RetryOutcome]

    /// Marks an overdraft as reviewed and accepted by head office.
    func approveOverdraft(_ id: Int64, note: String?, at: Date) async throws(HubError) -> OverdraftRecord

    // MARK: Policies and settings

    /// The loyalty policy of `store`: its own, else the chain's.
    func policy(for store: StoreID) async throws(HubError) -> LoyaltyPolicy

    /// The chain's policy and the stores that override it.
    func policies() async throws(HubError) -> (chain: LoyaltyPolicy, stores: [StoreID: LoyaltyPolicy])

    /// Sets the chain's policy (`store` nil) or one store's; terminals get it on their next pull.
    func setPolicy(_ policy: LoyaltyPolicy, for store: StoreID?) async throws(HubError)

    func settings() async throws(HubError) -> HubSettings
    func setSettings(_ settings: HubSettings) async throws(HubError)
}
