import Foundation
import GRDB
import OmnisyncCore

/// Turns a request into a durable journal entry.
///
/// Everything happens in one write transaction: resolving the customer (or
/// minting one for an unknown card), stamping the hybrid logical clock,
/// allocating the next gapless sequence number, appending the entry, and
/// applying it to the local profile. When ``record(_:in:now:)`` returns, the
/// transaction has committed with `synchronous=FULL`: the entry survives a
/// power cut.
struct Recorder {
    /// The source of the random bits in minted ids.
    var makeIdentifier: @Sendable (Int64) -> String = { millis in
        var generator = SystemRandomNumberGenerator()
        return UUIDv7.make(unixMillis: millis, using: &generator)
    }

    func record(_ request: RecordRequest, in db: Database, now unrounded: Date) throws -> RecordReceipt {
        // Entries carry millisecond times; round once so the entry in hand
        // equals the one read back.
        let now = Date(millis: unrounded.millis)!
        var state = try AgentStateRow.fetch(db)
        var clock = HybridLogicalClock(replica: ReplicaID(state.terminal), resumingAfter: state.clock)
        let stamp = clock.tick(wallMillis: now.millis)
        let seq = try Journal.nextSeq(db, terminal: state.terminal)
        let entryID = try EntryID(validating: makeIdentifier(now.millis))

        let resolved = try resolve(request, in: db, state: state, stamp: stamp, now: now)
        let entry = JournalEntry(id: entryID, terminal: state.terminal, seq: seq, recordedAt: now, hlc: stamp, event: resolved.event)
        try Journal.append(db, entry)

        if let customer = entry.event.customer {
            var profile = try LocalProfileStore.profile(db, id: customer) ?? ProfileState(id: customer)
            profile.apply(entry)
            try LocalProfileStore.save(db, profile)
        }

        state.clock = clock.last
        try state.save(db)
        return RecordReceipt(id: entryID, seq: seq, customer: entry.event.customer, enrolled: resolved.enrolled)
    }

    private struct Resolved {
        var event: JournalEvent
        var enrolled: Bool
    }

    private func resolve(_ request: RecordRequest, in db: Database, state: AgentStateRow, stamp: HLCTimestamp, now: Date) throws -> Resolved {
        switch request {
        case .sale(let sale):
            let (customer, enrolled) = try resolveCustomer(sale.reference, in: db, now: now)
            let earned = customer == nil ? 0 : state.policy.pointsEarned(by: sale.total)
            if sale.pointsRedeemed > 0, let customer {
                let balance = try LocalProfileStore.profile(db, id: customer)?.points.balance ?? 0
                if sale.pointsRedeemed > balance {
                    throw AgentError(
                        .insufficientPoints,
                        "customer \(customer) has \(balance) points here; cannot redeem \(sale.pointsRedeemed) (sync first if points were earned elsewhere)"
                    )
                }
            }
            let event = SaleEvent(
                customer: customer, card: sale.reference.card, enrolled: enrolled, lines: sale.lines, total: sale.total,
                receipt: sale.receipt, pointsEarned: earned, pointsRedeemed: sale.pointsRedeemed
            )
            return Resolved(event: .sale(event), enrolled: enrolled)

        case .return(let ret):
            let original = try Journal.sale(db, receipt: ret.originalReceipt)
            var reference = ret.reference
            if reference.isAnonymous, let originalCustomer = original?.customer {
                reference.customer = originalCustomer
            }
            let (customer, enrolled) = try resolveCustomer(reference, in: db, now: now)
            var reversed: Int64 = 0
            if customer != nil {
                reversed = state.policy.pointsEarned(by: ret.total)
                if let original, original.customer == customer {
                    // Never take back more than the original sale earned, across partial returns.
                    let remaining = original.pointsEarned - (try Journal.pointsReversed(db, originalReceipt: ret.originalReceipt))
                    reversed = min(reversed, max(0, remaining))
                }
            }
            let event = ReturnEvent(
                customer: customer, card: reference.card, lines: ret.lines, total: ret.total,
                receipt: ret.receipt, originalReceipt: ret.originalReceipt, pointsReversed: reversed
            )
            return Resolved(event: .return(event), enrolled: enrolled)

        case .scan(let scan):
            let (customer, enrolled) = try resolveCustomer(CustomerReference(card: scan.card), in: db, now: now)
            return Resolved(event: .scan(ScanEvent(customer: customer!, card: scan.card, enrolled: enrolled)), enrolled: enrolled)

        case .profile(let change):
            let (resolvedCustomer, enrolled) = try resolveCustomer(change.reference, in: db, now: now)
            let customer = resolvedCustomer!
            let current = try LocalProfileStore.profile(db, id: customer) ?? ProfileState(id: customer)
            let removals = change.removeTags.map { TagRemoval(tag: $0, observed: current.tags.dots(of: $0)) }
            let event = ProfileEvent(
                customer: customer, card: change.reference.card, enrolled: enrolled, set: change.set,
                addTags: change.addTags, removeTags: removals, consent: change.consent, erase: change.erase
            )
            return Resolved(event: .profile(event), enrolled: enrolled)
        }
    }

    /// The customer named by id and/or card. A card this terminal has never
    /// seen, without an id, enrols a new customer with an id minted here.
    private func resolveCustomer(_ reference: CustomerReference, in db: Database, now: Date) throws -> (CustomerID?, enrolled: Bool) {
        guard let card = reference.card else { return (reference.customer, false) }
        if let known = try LocalProfileStore.customer(db, card: card) {
            if let named = reference.customer, named != known {
                throw AgentError(.cardConflict, "card \(card.masked) belongs to customer \(known), not \(named)")
            }
            return (known, false)
        }
        if let named = reference.customer {
            return (named, false)
        }
        return (try CustomerID(validating: makeIdentifier(now.millis)), true)
    }
}
