public import Foundation
public import OmnisyncCore

/// Everything the hub stores, behind one protocol.
///
/// Routes and commands talk to this protocol only; SQL stays inside the
/// backends (embedded SQLite now, PostgreSQL later). Each method is atomic:
/// it either happens entirely or not at all. The logic that decides what a
/// push means (``PushPlan``, ``EntryProjector``) is pure and shared, so
/// backends differ only in how they read and write.
public protocol HubStore: Sendable {
    /// Registers a terminal with the hash of its token.
    func addTerminal(_ id: TerminalID, store: StoreID, tokenHash: String, at: Date) async throws(HubError) -> TerminalRecord

    /// Every registered terminal, revoked ones included, ordered by id.
    func terminals() async throws(HubError) -> [TerminalRecord]

    /// Refuses the terminal's token from now on. Its entries stay.
    func revokeTerminal(_ id: TerminalID, at: Date) async throws(HubError) -> TerminalRecord

    /// The terminal whose token hashes to `tokenHash`, revoked or not.
    func terminal(tokenHash: String) async throws(HubError) -> TerminalRecord?

    /// Stores a batch of entries exactly once and applies them to profiles,
    /// quarantining any it cannot apply; records the terminal's contact.
    func push(_ batch: IncomingPush, from terminal: TerminalRecord, contact: TerminalContact) async throws(HubError) -> PushResponse

    /// Profiles of the terminal's store changed after `cursor`; records the contact.
    func pull(for terminal: TerminalRecord, after cursor: String?, limit: Int, contact: TerminalContact) async throws(HubError) -> PullPage

    func customer(id: CustomerID) async throws(HubError) -> CustomerRecord?
    func customer(card: CardNumber) async throws(HubError) -> CustomerRecord?

    /// Terminal progress and the counts operators watch.
    func status() async throws(HubError) -> HubStatusReport

    /// The loyalty rules delivered to terminals on every pull.
    func loyaltyPolicy() async throws(HubError) -> LoyaltyPolicy
}
