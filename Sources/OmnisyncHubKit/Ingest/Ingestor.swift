public import Foundation
public import OmnisyncCore

/// Decides what a batch of accepted entries does to the hub's customers: the
/// pure heart of ingestion, shared by every storage backend.
///
/// A backend loads what ``references(in:)`` names, runs ``ingest(_:)`` inside
/// its transaction, and writes the output. In order, for each entry:
///
/// 1. stamps it references that the hub clamped earlier are translated, and its
///    own stamp is clamped when it lies more than the clock tolerance in the
///    future (a terminal with a wrong year must not win every conflict);
/// 2. its customer is resolved through identity merges;
/// 3. an enrolment of a card that already belongs to another customer merges
///    the new customer into the card's owner (a card names one person);
/// 4. it is applied to the profile and to the activity projection; concurrent
///    overwrites and overdrafts it reveals are collected;
/// 5. an entry the hub cannot read or place is quarantined.
public struct Ingestor: Sendable {
    /// What the hub knows before the batch.
    public struct Input: Sendable {
        public var terminal: TerminalID
        public var store: StoreID
        public var policy: LoyaltyPolicy
        public var receivedAt: Date
        public var clockToleranceMillis: Int64
        /// The last stamp the hub issued in place of one of this terminal's.
        public var lastClamped: HLCTimestamp?
        /// Stamps of this terminal the hub clamped, for those the batch references.
        public var corrections: [HLCTimestamp: HLCTimestamp]
        /// Records of the customers the batch may touch, by id.
        public var customers: [CustomerID: CustomerRecord]
        /// Merged ids among those the batch names, to the customer they stand for.
        public var aliases: [CustomerID: CustomerID]
        /// Current holders of the cards the batch names.
        public var cardOwners: [CardNumber: CustomerID]
        /// An operator accepted the batch despite its policy exceptions
        /// (`omnisync-hub quarantine retry --accept`).
        public var acceptPolicyExceptions = false
        /// What the first entry must link to: nil when the hub cannot tell
        /// (a retry, or an entry stored before hashes were kept).
        public var chainTip: ChainTip?

        /// The end of a terminal's hash chain at the hub.
        public enum ChainTip: Sendable, Hashable {
            /// No entry yet: the first must not claim a predecessor.
            case start
            /// The hash of the last stored entry.
            case hash(String)
        }

        public init(
            terminal: TerminalID, store: StoreID, policy: LoyaltyPolicy, receivedAt: Date, clockToleranceMillis: Int64,
            lastClamped: HLCTimestamp?, corrections: [HLCTimestamp: HLCTimestamp], customers: [CustomerID: CustomerRecord],
            aliases: [CustomerID: CustomerID], cardOwners: [CardNumber: CustomerID]
        ) {
            self.terminal = terminal
            self.store = store
            self.policy = policy
            self.receivedAt = receivedAt
            self.clockToleranceMillis = clockToleranceMillis
            self.lastClamped = lastClamped
            self.corrections = corrections
            self.customers = customers
            self.aliases = aliases
            self.cardOwners = cardOwners
        }
    }

    /// What became of one accepted entry.
    public struct Stored: Sendable, Hashable {
        public var incoming: IncomingEntry
        /// The entry as the hub applied it (stamps translated or clamped); nil if unreadable.
        public var entry: JournalEntry?
        /// Why it was quarantined; nil when applied.
        public var quarantineReason: String?
        /// Its customer after identity merges.
        public var customer: CustomerID?
        /// True when its customer is erased: stored without personal data.
        public var redact: Bool
    }

    /// What the batch changed.
    public struct Output: Sendable {
        public var stored: [Stored] = []
        /// Final records of every customer touched.
        public var customers: [CustomerID: CustomerRecord] = [:]
        /// Customers whose replicated state changed (terminals must pull them).
        public var changedStates: Set<CustomerID> = []
        /// Customers merged into another during the batch (their rows go).
        public var absorbed: [AliasRecord] = []
        public var conflicts: [ConflictRecord] = []
        public var overdrafts: [OverdraftRecord] = []
        public var offerOveruses: [OfferOveruseRecord] = []
        /// Stamps clamped during the batch: original to replacement.
        public var corrections: [HLCTimestamp: HLCTimestamp] = [:]
        public var lastClamped: HLCTimestamp?
        /// Customers erased by the batch (their stored data must be redacted).
        public var erased: Set<CustomerID> = []
    }

    /// The customers, cards and stamps a batch refers to: what to load first.
    public static func references(in entries: [IncomingEntry]) -> (customers: Set<CustomerID>, cards: Set<CardNumber>, stamps: Set<HLCTimestamp>) {
        var customers = Set<CustomerID>()
        var cards = Set<CardNumber>()
        var stamps = Set<HLCTimestamp>()
        for incoming in entries {
            guard case .success(let entry) = incoming.decoded else { continue }
            if let customer = entry.event.customer { customers.insert(customer) }
            if let card = entry.event.card { cards.insert(card) }
            entry.forEachStamp { stamps.insert($0) }
        }
        return (customers, cards, stamps)
    }

    public init() {}

    public func ingest(_ entries: [IncomingEntry], _ input: Input) -> Output {
        var state = input
        var output = Output()
        let before = input.customers
        for incoming in entries {
            output.stored.append(ingest(incoming, &state, &output))
        }
        output.customers = state.customers.filter { before[$0.key] != $0.value }
        output.changedStates.formIntersection(output.customers.keys)
        output.lastClamped = state.lastClamped
        return output
    }

    private func ingest(_ incoming: IncomingEntry, _ state: inout Input, _ output: inout Output) -> Stored {
        // The hash chain first: an entry that does not follow the stored one
        // was modified, replaced or forged at the terminal.
        let tip = state.chainTip
        // The chain continues from what the terminal recorded, so the honest
        // successor of an edited entry still follows.
        state.chainTip = .hash(incoming.recordedHash ?? incoming.receivedHash)
        if let recorded = incoming.recordedHash, recorded != incoming.receivedHash {
            // A terminal redacts its acknowledged entries about erased customers;
            // one resent to a hub that lost it (restored from a backup) arrives
            // redacted, under the hash of what was recorded.
            if case .success(let entry) = incoming.decoded, entry == entry.redactingPersonalData(), let customer = entry.event.customer {
                if state.customers[resolve(customer, state)]?.state.isErased != true {
                    return Stored(
                        incoming: incoming, entry: entry,
                        quarantineReason: "seq \(incoming.seq) was redacted at the terminal because its customer \(customer) was erased, but this hub does not know that erasure (restored from a backup?): erase the customer again (`omnisync-hub customers erase \(customer)`), then `quarantine retry --accept`",
                        customer: customer, redact: true
                    )
                }
            } else {
                return Stored(
                    incoming: incoming, entry: try? incoming.decoded.get(),
                    quarantineReason: "seq \(incoming.seq) was modified after the terminal recorded it (its content does not match its recorded hash)",
                    customer: nil, redact: false
                )
            }
        }
        let expected: String? = switch tip {
        case .start?: nil
        case .hash(let hash)?: hash
        case nil: incoming.previousHash
        }
        if incoming.previousHash != expected {
            return Stored(
                incoming: incoming, entry: try? incoming.decoded.get(),
                quarantineReason: "hash chain broken at seq \(incoming.seq): it does not follow the entry stored before it (a modified or replaced journal at the terminal)",
                customer: nil, redact: false
            )
        }
        let entry: JournalEntry
        switch incoming.decoded {
        case .failure(let problem):
            return Stored(incoming: incoming, entry: nil, quarantineReason: "cannot decode: \(problem)", customer: nil, redact: false)
        case .success(let decoded):
            entry = decoded
        }
        guard entry.terminal == state.terminal else {
            return Stored(incoming: incoming, entry: entry, quarantineReason: "entry names terminal \(entry.terminal), pushed by \(state.terminal)", customer: nil, redact: false)
        }
        if !state.acceptPolicyExceptions, let exception = Self.policyException(entry, state.policy) {
            return Stored(incoming: incoming, entry: entry, quarantineReason: exception, customer: entry.event.customer, redact: false)
        }
        let placed = clamp(entry.mappingStamps { state.corrections[$0] ?? $0 }, &state, &output)
        guard let origin = placed.event.customer else {
            return Stored(incoming: incoming, entry: placed, quarantineReason: nil, customer: nil, redact: false)
        }

        // Decide everything first and change nothing until the entry has
        // applied: an entry that cannot be applied is quarantined without a trace.
        var target = resolve(origin, state)
        let card = placed.event.card.map { decideCard($0, for: target, entry: placed, state) } ?? .keep
        var record: CustomerRecord
        if case .merge(let holder, let survivor, _) = card {
            target = holder
            record = survivor
        } else {
            record = state.customers[target] ?? CustomerRecord(id: target)
        }
        if !record.state.answers(for: origin) {
            // An alias from an earlier merge whose record predates it.
            record.state.absorb(ProfileState(id: origin))
        }
        let wasErased = record.state.isErased
        let previousState = record.state
        let report: ProfileState.ApplyReport
        do {
            report = try record.state.apply(placed)
            if record.state.isErased {
                record.activity = CustomerActivity()
            } else {
                try record.activity.apply(placed, store: state.store)
            }
        } catch {
            return Stored(incoming: incoming, entry: placed, quarantineReason: "cannot apply: \(error.message)", customer: target, redact: false)
        }

        switch card {
        case .keep:
            break
        case .conflict(let conflict):
            output.conflicts.append(conflict)
        case .merge(let holder, _, let alias):
            state.customers[alias.alias] = nil
            for (from, to) in state.aliases where to == alias.alias { state.aliases[from] = holder }
            state.aliases[alias.alias] = holder
            output.changedStates.insert(holder)
            output.absorbed.append(alias)
        }
        if record.state != previousState { output.changedStates.insert(target) }
        for conflict in report.conflicts {
            output.conflicts.append(ConflictRecord(customer: target, conflict: conflict, terminal: placed.terminal, seq: placed.seq, detectedAt: state.receivedAt))
        }
        if let overuse = report.offerOveruse {
            output.offerOveruses.append(OfferOveruseRecord(
                campaign: overuse.campaign, customer: target, terminal: placed.terminal, store: state.store, seq: placed.seq, uses: overuse.uses,
                allowed: overuse.allowed, detectedAt: state.receivedAt
            ))
        }
        if let balance = report.overdraftBalance, case .sale(let sale) = placed.event {
            output.overdrafts.append(OverdraftRecord(
                customer: target, terminal: placed.terminal, store: state.store, seq: placed.seq, redeemed: sale.pointsRedeemed,
                balance: balance, allowance: state.policy.offlineRedemptionAllowance, detectedAt: state.receivedAt
            ))
            // Also in the conflict log, beside the other concurrent decisions.
            output.conflicts.append(ConflictRecord(
                customer: target,
                conflict: FieldConflict(
                    field: "points",
                    lost: .init(value: "\(sale.pointsRedeemed) redeemed offline", stamp: placed.hlc),
                    won: .init(value: "balance \(balance)", stamp: placed.hlc)
                ),
                terminal: placed.terminal, seq: placed.seq, detectedAt: state.receivedAt
            ))
        }
        if record.state.isErased && !wasErased { output.erased.insert(target) }
        // As in the stored card index, the first holder of a card keeps it.
        for card in record.state.cards where state.cardOwners[card].map({ resolve($0, state) == target }) ?? true {
            state.cardOwners[card] = target
        }
        state.customers[target] = record
        return Stored(incoming: incoming, entry: placed, quarantineReason: nil, customer: target, redact: record.state.isErased)
    }

    /// Why an entry contradicts the store's rules, if it does: a sale earning
    /// more points than the policy gives for its total is either a terminal
    /// that was offline across a policy change or one that was tampered with;
    /// an operator decides (`quarantine retry`, with `--accept` if legitimate).
    static func policyException(_ entry: JournalEntry, _ policy: LoyaltyPolicy) -> String? {
        guard case .sale(let sale) = entry.event else { return nil }
        let allowed = policy.pointsEarned(by: sale.total)
        guard sale.pointsEarned > allowed else { return nil }
        return "sale earns \(sale.pointsEarned) points for \(sale.total) where the store's policy gives \(allowed): a policy changed while the terminal was offline, or a tampered terminal"
    }

    /// Replaces a stamp too far in the future with one at the hub's receipt
    /// time, unique for the terminal, and remembers the replacement so later
    /// references to the original translate.
    private func clamp(_ entry: JournalEntry, _ state: inout Input, _ output: inout Output) -> JournalEntry {
        let limit = state.receivedAt.millis.saturatingAdding(state.clockToleranceMillis)
        guard entry.hlc.wallMillis > limit else { return entry }
        let wall = max(state.receivedAt.millis, state.lastClamped?.wallMillis ?? 0)
        let replacement = if let last = state.lastClamped, last.wallMillis == wall {
            HybridLogicalClock.after(wall: wall, counter: last.counter, replica: entry.hlc.replica)
        } else {
            HLCTimestamp(wallMillis: wall, counter: 0, replica: entry.hlc.replica)
        }
        state.lastClamped = replacement
        state.corrections[entry.hlc] = replacement
        output.corrections[entry.hlc] = replacement
        var clamped = entry
        clamped.hlc = replacement
        return clamped
    }

    private func resolve(_ id: CustomerID, _ state: Input) -> CustomerID {
        var current = id
        while let next = state.aliases[current], next != current { current = next }
        return current
    }

    /// What an entry naming a card does to identities.
    enum CardDecision {
        /// Nothing: the card is the customer's own, or unknown.
        case keep
        /// The card belongs to someone else and the entry's customer is not
        /// new: logged for an operator, never guessed.
        case conflict(ConflictRecord)
        /// An offline double enrolment: the new customer merges into the
        /// card's holder (`survivor` is the holder's record after the merge).
        case merge(holder: CustomerID, survivor: CustomerRecord, alias: AliasRecord)
    }

    /// A card names one person. When a terminal enrolled a customer the hub
    /// has never seen for a card that already belongs to someone, that is one
    /// person enrolled twice while offline, and the new customer merges into
    /// the card's holder. A customer the hub already knows is never merged
    /// because an entry says so (a stolen terminal could otherwise join any
    /// two customers); the disagreement is logged for an operator, who can
    /// `customers merge` if it is right.
    private func decideCard(_ card: CardNumber, for target: CustomerID, entry: JournalEntry, _ state: Input) -> CardDecision {
        guard let holder = state.cardOwners[card].map({ resolve($0, state) }), holder != target,
            let holderRecord = state.customers[holder], !holderRecord.state.isErased
        else { return .keep }
        let enrolled: Bool
        switch entry.event {
        case .sale(let sale): enrolled = sale.enrolled
        case .scan(let scan): enrolled = scan.enrolled
        case .profile(let change): enrolled = change.enrolled
        case .feedback(let feedback): enrolled = feedback.enrolled
        case .return: enrolled = false
        }
        guard enrolled, state.customers[target] == nil else {
            return .conflict(ConflictRecord(
                customer: target,
                conflict: FieldConflict(field: "card", lost: .init(value: card.rawValue, stamp: entry.hlc), won: .init(value: holder.rawValue, stamp: entry.hlc)),
                terminal: entry.terminal, seq: entry.seq, detectedAt: state.receivedAt
            ))
        }
        var survivor = holderRecord
        survivor.state.absorb(ProfileState(id: target))
        return .merge(holder: holder, survivor: survivor, alias: AliasRecord(alias: target, target: holder, reason: "enrolled card \(card.masked), which already belonged to \(holder)"))
    }
}
