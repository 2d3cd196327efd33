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
    /// The agent's decoded shared price rows, for checking sales against the list.
    var priceCache = PriceListCache()

    func record(_ request: RecordRequest, in db: Database, now localNow: Date) throws -> RecordReceipt {
        var state = try AgentStateRow.fetch(db)
        // The terminal's clock corrected by the hub's (so a wrong year does not
        // stamp entries), in whole milliseconds as entries carry them.
        let now = state.correctedNow(localNow)
        var clock = HybridLogicalClock(replica: ReplicaID(state.terminal), resumingAfter: state.clock)
        let stamp = clock.tick(wallMillis: now.millis)
        let seq = try Journal.nextSeq(db, terminal: state.terminal)
        let entryID = try EntryID(validating: makeIdentifier(now.millis))

        let resolved = try resolve(request, in: db, state: state, stamp: stamp, now: now, localNow: localNow)
        let entry = JournalEntry(
            id: entryID, terminal: state.terminal, seq: seq, recordedAt: now, hlc: stamp,
            previousHash: seq > 1 ? try Journal.hash(db, terminal: state.terminal, seq: seq - 1) : nil, event: resolved.event
        )
        try Journal.append(db, entry)

        if let customer = entry.event.customer {
            // `customer` is already resolved through the hub's identity merges.
            var profile = try LocalProfileStore.profile(db, id: customer) ?? ProfileState(id: customer)
            do {
                try profile.apply(entry)
            } catch {
                // Thrown inside the transaction: the entry appended above goes with it.
                throw AgentError(.invalidInput, "not recorded: \(error.message)")
            }
            try LocalProfileStore.save(db, profile)
        }

        state.clock = clock.last
        try state.saveClock(db)
        var receipt = RecordReceipt(id: entryID, seq: seq, customer: entry.event.customer, enrolled: resolved.enrolled)
        if case .sale(let sale) = entry.event { receipt.priceOverrides = sale.priceOverrides }
        return receipt
    }

    private struct Resolved {
        var event: JournalEvent
        var enrolled: Bool
    }

    private func resolve(_ request: RecordRequest, in db: Database, state: AgentStateRow, stamp: HLCTimestamp, now: Date, localNow: Date) throws -> Resolved {
        switch request {
        case .sale(let sale):
            let (customer, enrolled) = try resolveCustomer(sale.reference, in: db, now: now)
            let earned = customer == nil ? 0 : state.policy.pointsEarned(by: sale.total)
            if sale.pointsRedeemed > 0, let customer {
                try checkRedemption(sale.pointsRedeemed, by: customer, in: db, state: state, localNow: localNow)
            }
            if let campaign = sale.offer, let customer {
                try checkOffer(campaign, for: customer, in: db, state: state, localNow: localNow)
            }
            let event = SaleEvent(
                customer: customer, card: sale.reference.card, enrolled: enrolled, lines: sale.lines, total: sale.total,
                receipt: sale.receipt, pointsEarned: earned, pointsRedeemed: sale.pointsRedeemed, cashier: sale.cashier,
                priceOverrides: try priceOverrides(of: sale.lines, customer: customer, in: db, store: state.store, at: localNow),
                offer: sale.offer
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
                    let remaining = original.pointsEarned.saturatingSubtracting(try Journal.pointsReversed(db, originalReceipt: ret.originalReceipt))
                    reversed = min(reversed, max(0, remaining))
                }
            }
            let event = ReturnEvent(
                customer: customer, card: reference.card, lines: ret.lines, total: ret.total,
                receipt: ret.receipt, originalReceipt: ret.originalReceipt, pointsReversed: reversed
            )
            return Resolved(event: .return(event), enrolled: enrolled)

        case .feedback(let feedback):
            // Anonymous unless the customer is named; an unknown card enrols them, as at the till.
            let (customer, enrolled) = try resolveCustomer(feedback.reference, in: db, now: now)
            let event = FeedbackEvent(
                customer: customer, card: feedback.reference.card, enrolled: enrolled, score: feedback.score, comment: feedback.comment,
                receipt: feedback.receipt
            )
            return Resolved(event: .feedback(event), enrolled: enrolled)

        case .scan(let scan):
            let (customer, enrolled) = try resolveCustomer(CustomerReference(card: scan.card), in: db, now: now)
            return Resolved(event: .scan(ScanEvent(customer: customer!, card: scan.card, enrolled: enrolled)), enrolled: enrolled)

        case .profile(let change):
            let (resolvedCustomer, enrolled) = try resolveCustomer(change.reference, in: db, now: now)
            let customer = resolvedCustomer!
            let current = try LocalProfileStore.profile(db, id: customer) ?? ProfileState(id: customer)
            // Record what this terminal had seen, so the hub can tell an edit
            // from a concurrent one and a removal cancels only what it saw.
            let observed = change.set.keys.reduce(into: [ProfileField: HLCTimestamp]()) { seen, field in
                seen[field] = current.fields[field]?.stamp
            }
            let removals = change.removeTags.map { TagRemoval(tag: $0, observed: current.tags.dots(of: $0)) }
            let consent = change.consent.reduce(into: [ConsentChannel: ConsentWrite]()) { writes, item in
                writes[item.key] = ConsentWrite(value: item.value, observed: current.consent[item.key]?.dots ?? [])
            }
            let event = ProfileEvent(
                customer: customer, card: change.reference.card, enrolled: enrolled, set: change.set, observed: observed,
                addTags: change.addTags, removeTags: removals, consent: consent, erase: change.erase
            )
            return Resolved(event: .profile(event), enrolled: enrolled)
        }
    }

    /// The sale's lines charged at another price than this terminal's list
    /// gives the customer now (none before the first list arrives).
    ///
    /// Priced at the terminal's own clock, the one `prices show` answers
    /// with, so a line charged as the till showed it is no override.
    private func priceOverrides(of lines: [SaleLine], customer: CustomerID?, in db: Database, store: StoreID, at time: Date) throws -> [PriceOverride] {
        let version = try LocalPriceList.version(db).version
        guard version > 0 else { return [] }
        let tier = try customer.flatMap { try LocalProfileStore.profile(db, id: $0) }?.value(of: .tier)
        let list = try LocalPriceList.read(db, skus: lines.map(\.sku), store: store, cache: priceCache).list
        return list.overrides(of: lines, store: store, tier: tier, at: time, version: version)
    }

    /// An offer is honoured only if the customer holds it here, it is running
    /// by this terminal's clock, this terminal has not seen it used up, and
    /// the last sync is recent enough for "not used up" to mean something (the
    /// bound offline points redemptions have: two stores may still both honour
    /// a single-use offer within it; the hub flags that for review).
    private func checkOffer(_ campaign: CampaignID, for customer: CustomerID, in db: Database, state: AgentStateRow, localNow: Date) throws {
        let profile = try LocalProfileStore.profile(db, id: customer) ?? ProfileState(id: customer)
        guard let grant = profile.offers[campaign]?.value else {
            throw AgentError(.offerNotAvailable, "customer \(customer) holds no offer of campaign \(campaign) at this terminal")
        }
        guard grant.isValid(at: localNow) else {
            throw AgentError(
                .offerNotAvailable,
                "the offer of campaign \(campaign) runs from \(RFC3339.format(grant.validFrom)) to \(RFC3339.format(grant.validUntil)), not now"
            )
        }
        let used = profile.uses(of: campaign)
        guard used < grant.uses else {
            throw AgentError(.offerNotAvailable, "customer \(customer) has already used the offer of campaign \(campaign) (\(used) of \(grant.uses))")
        }
        let limit = state.policy.maxRedemptionStaleness
        guard let lastSync = state.lastSyncAt, localNow.timeIntervalSince(lastSync) <= Double(limit) else {
            let since = state.lastSyncAt.map { "last synced \(Int(localNow.timeIntervalSince($0) / 60)) minutes ago" } ?? "has never synced"
            throw AgentError(
                .offerNotAvailable,
                "this terminal \(since) (the store allows \(limit / 60)); honouring an offer needs a sync first, so it cannot be used twice"
            )
        }
    }

    /// Offline redemption is bounded: at most the locally known balance plus
    /// the store's allowance, and only while the last sync is recent enough
    /// for that balance to mean something.
    private func checkRedemption(_ points: Int64, by customer: CustomerID, in db: Database, state: AgentStateRow, localNow: Date) throws {
        let policy = state.policy
        guard let lastSync = state.lastSyncAt else {
            throw AgentError(.insufficientPoints, "this terminal has never synced with the hub; redeeming points needs a first successful sync")
        }
        let age = localNow.timeIntervalSince(lastSync)
        if age > Double(policy.maxRedemptionStaleness) {
            throw AgentError(
                .insufficientPoints,
                "this terminal last synced \(Int(age / 60)) minutes ago (the store allows \(policy.maxRedemptionStaleness / 60)); redeeming points needs a sync first"
            )
        }
        let balance = try LocalProfileStore.profile(db, id: customer)?.pointsBalance ?? 0
        let limit = balance.saturatingAdding(policy.offlineRedemptionAllowance)
        if points > limit {
            throw AgentError(
                .insufficientPoints,
                "customer \(customer) has \(balance) points here (offline allowance \(policy.offlineRedemptionAllowance)); cannot redeem \(points)"
            )
        }
    }

    /// The customer named by id and/or card. A card this terminal has never
    /// seen, without an id, enrols a new customer with an id minted here. An
    /// id the hub merged into another resolves to that one; an erased
    /// customer cannot be named.
    private func resolveCustomer(_ reference: CustomerReference, in db: Database, now: Date) throws -> (CustomerID?, enrolled: Bool) {
        let (customer, enrolled) = try lookUpCustomer(reference, in: db, now: now)
        if let customer, try LocalProfileStore.isErased(db, customer) {
            throw AgentError(.invalidInput, "customer \(customer) was erased on request; record the sale without a customer")
        }
        return (customer, enrolled)
    }

    private func lookUpCustomer(_ reference: CustomerReference, in db: Database, now: Date) throws -> (CustomerID?, enrolled: Bool) {
        let named = try reference.customer.map { try LocalProfileStore.resolve(db, $0) }
        guard let card = reference.card else { return (named, false) }
        if let known = try LocalProfileStore.customer(db, card: card) {
            if let named, named != known {
                throw AgentError(.cardConflict, "card \(card.masked) belongs to customer \(known), not \(named)")
            }
            return (known, false)
        }
        if let named {
            return (named, false)
        }
        return (try CustomerID(validating: makeIdentifier(now.millis)), true)
    }
}
