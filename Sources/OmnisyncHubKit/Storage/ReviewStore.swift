public import Foundation
public import OmnisyncCore

/// What operators watch and review: status, conflicts, overdrafts, quarantine.
///
/// One feature of ``HubStore``; each backend implements it in its own file.
public protocol ReviewStore: Sendable {
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

    /// Offers used beyond their grant (``OfferOveruseRecord``), oldest
    /// first; only those not yet approved unless `includeApproved`.
    func offerOveruses(includeApproved: Bool) async throws(HubError) -> [OfferOveruseRecord]

    /// Marks an offer's double use as reviewed.
    func approveOfferOveruse(_ id: Int64, note: String?, at: Date) async throws(HubError) -> OfferOveruseRecord
}
