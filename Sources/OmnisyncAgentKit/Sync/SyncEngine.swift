import Foundation
import GRDB
import OmnisyncCore
import OmnisyncStorage

/// One sync round: push every unacknowledged entry, pull merged profiles,
/// then bring the price list up to date.
///
/// The rules that make it safe (see `docs/protocol.md`):
/// - entries are marked acknowledged only from the hub's answer, after it has
///   stored them; a lost answer means a harmless resend;
/// - the hub names the next sequence it expects; the engine resends from there;
/// - each pulled page is merged and its cursor saved in one transaction, so a
///   crash mid-pull re-fetches at most one page, and merging twice is harmless.
struct SyncEngine {
    let database: DatabasePool
    /// The data dir, named in storage errors.
    let directoryPath: String
    let transport: any HubTransport
    var pushBatchSize = 500
    var pullPageSize = 500
    var now: @Sendable () -> Date = Date.init

    func run(progress: (SyncProgress) -> Void) async throws(AgentError) -> SyncReport {
        do {
            let report = try await runUnrecorded(progress: progress)
            try recordOutcome(error: nil)
            return report
        } catch {
            try? recordOutcome(error: error)
            throw error
        }
    }

    private func runUnrecorded(progress: (SyncProgress) -> Void) async throws(AgentError) -> SyncReport {
        var report = SyncReport(pushed: 0, pulled: 0, acknowledgedSeq: 0, quarantined: 0)
        var erasures = 0
        try await push(into: &report, erasures: &erasures, progress: progress)
        try await pull(into: &report, erasures: &erasures, progress: progress)
        try await updatePrices(into: &report)
        if erasures > 0 {
            // Personal data was removed: leave no older page version in the WAL.
            do {
                try DurableSQLite.purgeOldPageVersions(database)
            } catch {
                throw AgentError.wrapping(error, directory: directoryPath)
            }
        }
        return report
    }

    private func push(into report: inout SyncReport, erasures: inout Int, progress: (SyncProgress) -> Void) async throws(AgentError) {
        let start = try read { db in
            let state = try AgentStateRow.fetch(db)
            return (state, try Journal.lastSeq(db, terminal: state.terminal))
        }
        let terminal = start.0.terminal
        let lastSeq = start.1
        var acknowledged = start.0.acknowledgedSeq
        let firstAcknowledged = acknowledged
        report.acknowledgedSeq = acknowledged
        let total = max(0, lastSeq - acknowledged)
        if total > 0 { progress(.pushed(acknowledged: 0, of: total)) }

        // Only what existed when the round started: sales recorded during a
        // long catch-up wait for the next round, so the hub's answer can
        // never run ahead of `lastSeq` for an honest journal.
        var outgoing = try prepare(terminal: terminal, after: acknowledged, through: lastSeq).get()
        while let batch = outgoing {
            // The next batch is read and compressed while this one is in
            // flight, on the guess that the hub takes all of this one (it
            // does, unless something is wrong); otherwise it is read again.
            async let upcoming = prepare(terminal: terminal, after: batch.last, through: lastSeq)
            let answer: PushResponse
            do {
                answer = try await transport.push(batch.payload)
            } catch {
                _ = await upcoming
                throw Self.agentError(error)
            }
            if answer.acknowledgedSeq > lastSeq {
                _ = await upcoming
                throw AgentError(
                    .journalMismatch,
                    "the hub has acknowledged entries up to \(answer.acknowledgedSeq) for terminal \(terminal), but this journal ends at \(lastSeq): it was reset or copied; register this device as a new terminal (`omnisync-hub terminals add`) and re-run init"
                )
            }
            if answer.acknowledgedSeq == acknowledged && answer.stored == 0 && answer.duplicates == 0 && answer.quarantined == 0 {
                _ = await upcoming
                throw AgentError(.hubRejected, "the hub accepted none of entries \(batch.first)...\(batch.last) and expects \(answer.expectedSeq); see the hub's log")
            }
            // The hub may expect an entry below this batch (restored from a
            // backup): acknowledgement then moves back and the next batch
            // resends from there. Nothing is deleted, so it is always possible.
            let previous = acknowledged
            acknowledged = answer.acknowledgedSeq
            report.quarantined += answer.quarantined
            let prepared = await upcoming
            erasures += try write { db in
                var state = try AgentStateRow.fetch(db)
                state.acknowledgedSeq = acknowledged
                try state.save(db)
                // Entries up to `previous` were searched when they were acknowledged.
                return try Journal.redactErased(db, terminal: terminal, acknowledgedSeq: acknowledged, after: previous)
            }
            report.acknowledgedSeq = acknowledged
            report.pushed = max(0, acknowledged - firstAcknowledged)
            progress(.pushed(acknowledged: report.pushed, of: total))
            if acknowledged >= lastSeq { break }
            outgoing = acknowledged == batch.last
                ? try prepared.get()
                : try prepare(terminal: terminal, after: acknowledged, through: lastSeq).get()
        }
    }

    /// A batch read from the journal and made ready to send.
    private struct OutgoingBatch: Sendable {
        var first: Int64
        var last: Int64
        var payload: PushPayload
    }

    /// The batch after `after` up to `through`, read and made ready to send;
    /// nil when there is none. A result, so it can run beside a push.
    private func prepare(terminal: TerminalID, after: Int64, through lastSeq: Int64) -> Result<OutgoingBatch?, AgentError> {
        Result { () throws(AgentError) -> OutgoingBatch? in
            let batch = try read { db in try Journal.entries(db, terminal: terminal, after: after, through: lastSeq, limit: pushBatchSize) }
            guard let first = batch.first, let last = batch.last else { return nil }
            let body = PushRequest.body(
                terminal: terminal, backlog: max(0, lastSeq - last.seq), encodedEntries: batch.map(\.body), hashes: batch.map(\.recordedHash)
            )
            let payload: PushPayload
            do throws(TransportError) {
                payload = try transport.payload(forPush: body)
            } catch {
                throw Self.agentError(error)
            }
            return OutgoingBatch(first: first.seq, last: last.seq, payload: payload)
        }
    }

    private func pull(into report: inout SyncReport, erasures: inout Int, progress: (SyncProgress) -> Void) async throws(AgentError) {
        var cursor = try read { db in try AgentStateRow.fetch(db).pullCursor }
        while true {
            let page: PullResponse
            do {
                page = try await transport.pull(cursor: cursor, limit: pullPageSize)
            } catch {
                throw Self.agentError(error)
            }
            let receivedAt = now()
            erasures += try write { db in
                var erased = 0
                var state = try AgentStateRow.fetch(db)
                state.hubClockOffsetMillis = page.serverTime.millis - receivedAt.millis
                var clock = HybridLogicalClock(replica: ReplicaID(state.terminal), resumingAfter: state.clock)
                let pending = try Journal.pendingEntries(db, terminal: state.terminal, acknowledgedSeq: state.acknowledgedSeq)
                let erasedBefore = try Journal.erasedCustomerCount(db)
                for profile in page.profiles {
                    if try LocalProfileStore.adopt(db, profile, pending: pending) { erased += 1 }
                    // Later local edits must order after what this terminal has now seen.
                    if let latest = profile.latestStamp { clock.observe(latest, wallMillis: state.correctedNow(receivedAt).millis) }
                }
                state.clock = clock.last
                state.pullCursor = page.cursor
                // An unreadable policy leaves the one the terminal had.
                state.policy = page.policy ?? state.policy
                try state.save(db)
                // Only a newly erased customer can have acknowledged entries left to redact.
                guard try Journal.erasedCustomerCount(db) != erasedBefore else { return erased }
                return erased + (try Journal.redactErased(db, terminal: state.terminal, acknowledgedSeq: state.acknowledgedSeq))
            }
            cursor = page.cursor
            report.pulled += page.profiles.count
            report.unreadable += page.unreadable.count
            if page.policy == nil { report.policyUnreadable = true }
            if !page.profiles.isEmpty { progress(.pulled(profiles: report.pulled)) }
            if !page.hasMore { break }
        }
    }

    /// Fetches what changed in the price list since the version held here and
    /// applies it in one transaction (docs/pricing.md).
    private func updatePrices(into report: inout SyncReport) async throws(AgentError) {
        let held = try read { db in try LocalPriceList.version(db).version }
        let received: PriceDelta.Received?
        do {
            received = try await transport.priceChanges(since: held)
        } catch {
            throw Self.agentError(error)
        }
        guard let received, received.delta.full || received.delta.version != held || !received.delta.entries.isEmpty || !received.delta.removed.isEmpty else {
            report.priceListVersion = held
            return
        }
        let delta = received.delta
        let receivedAt = now()
        try write { db in try LocalPriceList.apply(db, delta, entryJSON: received.entryJSON, at: receivedAt) }
        report.priceListVersion = delta.version
        report.priceRowsApplied = delta.entries.count + delta.removed.count
    }

    /// Remembers the outcome for `status`: last success, or the last error and
    /// since when the hub has been unreachable.
    private func recordOutcome(error: AgentError?) throws(AgentError) {
        let at = now()
        try write { db in
            var state = try AgentStateRow.fetch(db)
            state.lastAttemptAt = at
            if let error {
                state.lastError = error.message
                if error.code == .hubUnreachable {
                    state.unreachableSince = state.unreachableSince ?? at
                } else {
                    state.unreachableSince = nil
                }
            } else {
                state.lastSyncAt = at
                state.lastError = nil
                state.unreachableSince = nil
            }
            try state.save(db)
        }
    }

    static func agentError(_ error: TransportError) -> AgentError {
        switch error {
        case .unreachable, .untrustedCertificate, .tlsHandshakeFailed:
            return AgentError(.hubUnreachable, error.description)
        case .clientCertificateRefused, .clearTextRefused:
            return AgentError(.hubRejected, error.description)
        case .clientCertificateUnusable:
            return AgentError(.storage, error.description)
        case .rejected(let status, let code, let message):
            switch (status, code) {
            case (401, "terminal_revoked"):
                return AgentError(.hubRejected, "token revoked: the hub no longer accepts this terminal (\(message))")
            case (401, _):
                return AgentError(.hubRejected, "token rejected by the hub: check the token given to `omnisync-agent init` (\(message))")
            case (409, "sequence_conflict"):
                return AgentError(.journalMismatch, "the hub holds different entries under this terminal's sequence numbers: \(message)")
            default:
                return AgentError(.hubRejected, error.description)
            }
        case .invalidResponse:
            return AgentError(.hubRejected, error.description)
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(AgentError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw AgentError.wrapping(error, directory: directoryPath)
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(AgentError) -> T {
        do {
            return try database.write(body)
        } catch {
            throw AgentError.wrapping(error, directory: directoryPath)
        }
    }
}

extension AgentError {
    /// Keeps an ``AgentError`` as it is; describes anything else as a storage
    /// failure of the data dir (a full or read-only disk, in those words).
    static func wrapping(_ error: any Error, directory: String) -> AgentError {
        if let error = error as? AgentError { return error }
        if let problem = error as? DecodingProblem {
            return AgentError(.corrupt, "stored data does not decode (\(problem)); run `omnisync-agent verify`")
        }
        return AgentError(.storage, StorageFailure.describe(error, directory: directory))
    }
}
