public import Foundation
public import OmnisyncCore

/// What terminals do when they sync: push, pull, look up a card.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
public protocol SyncStore: Sendable {
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
}
