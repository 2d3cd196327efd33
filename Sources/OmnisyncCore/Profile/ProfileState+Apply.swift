extension ProfileState {
    /// What applying an entry revealed: concurrent edits it resolved, and
    /// whether a redemption left the balance below zero.
    public struct ApplyReport: Hashable, Sendable {
        /// Values that lost to a concurrent write (for the hub's conflict log).
        public var conflicts: [FieldConflict] = []
        /// The balance after a redemption that left it below zero; nil otherwise.
        public var overdraftBalance: Int64?
        /// A sale that used an offer beyond what its grant allows (two stores
        /// using a single-use offer while offline), or one the profile holds no
        /// grant of; nil otherwise.
        public var offerOveruse: OfferOveruse?

        public struct OfferOveruse: Hashable, Sendable {
            public var campaign: CampaignID
            /// Uses counted now, this sale's included.
            public var uses: Int
            /// What the grant allows; nil when the profile holds no grant.
            public var allowed: Int?

            public init(campaign: CampaignID, uses: Int, allowed: Int?) {
                self.campaign = campaign
                self.uses = uses
                self.allowed = allowed
            }
        }

        public init() {}
    }

    /// Applies the effect of one journal entry about this customer (or one
    /// merged into it).
    ///
    /// The same function runs at the terminal when the entry is recorded and
    /// at the hub when it is stored, so both compute the same state. Counters
    /// grow by the entry's amounts, so each entry must be applied once per
    /// replica, in each terminal's sequence order: the agent applies it when
    /// recording, the hub when it first stores `(terminal, seq)`.
    ///
    /// Throws ``ApplyError`` and leaves the profile unchanged when the entry
    /// would overflow a points counter or go past ``InputBounds/maxTagsPerProfile``.
    @discardableResult
    public mutating func apply(_ entry: JournalEntry) throws(ApplyError) -> ApplyReport {
        try apply(entry.event, by: ReplicaID(entry.terminal), at: entry.hlc) { "entry seq \(entry.seq) of \(entry.terminal)" }
    }

    /// Applies an event written by `replica` at `stamp`: a terminal's entry,
    /// or what the hub writes itself (an online order, whose points count
    /// under its channel's replica, `@ch.NAME`). `what` names the event in
    /// an error message.
    @discardableResult
    public mutating func apply(
        _ event: JournalEvent, by replica: ReplicaID, at stamp: HLCTimestamp, _ what: () -> String
    ) throws(ApplyError) -> ApplyReport {
        guard let origin = event.customer else { return ApplyReport() }
        guard answers(for: origin) else {
            // The callers resolve merged ids first; this is a bug, answered as a refusal rather than a crash.
            throw ApplyError(.wrongCustomer, "\(what()) is about customer \(origin), not \(id)")
        }
        var report = ApplyReport()
        if case .profile(let change) = event, change.erase {
            // Even on an erased profile: merging keeps the latest erasure, so
            // applying must too, or replicas would disagree on its stamp.
            erase(at: stamp)
            return report
        }
        guard erasure == nil else { return report }
        // Checked before anything changes, so a refused entry leaves no trace.
        switch event {
        case .sale(let sale):
            var ledger = points[origin] ?? PointsLedger()
            try ledger.record(.earn(sale.pointsEarned), at: replica)
            try ledger.record(.redeem(sale.pointsRedeemed), at: replica)
            points[origin] = ledger
            if sale.pointsRedeemed > 0 && pointsBalance < 0 {
                report.overdraftBalance = pointsBalance
            }
            if let campaign = sale.offer {
                // The sale's stamp is its use: applying it again counts it once.
                offerUses[campaign, default: []].insert(stamp)
                let allowed = offers[campaign]?.value?.uses
                if uses(of: campaign) > allowed ?? 0 {
                    report.offerOveruse = .init(campaign: campaign, uses: uses(of: campaign), allowed: allowed)
                }
            }
        case .return(let ret):
            var ledger = points[origin] ?? PointsLedger()
            try ledger.record(.reverse(ret.pointsReversed), at: replica)
            points[origin] = ledger
        case .profile(let change):
            let added = Set(change.addTags).subtracting(tags.adds.keys).count
            let removed = change.removeTags.count(where: { tags.adds[$0.tag] != nil })
            if added > 0, tags.adds.count + added - removed > InputBounds.maxTagsPerProfile {
                throw ApplyError(.tooManyTags, "the profile would carry more than \(InputBounds.maxTagsPerProfile) tags; remove some first")
            }
            if !change.removeTags.isEmpty {
                let tombstones = Set(change.removeTags.flatMap(\.observed)).subtracting(tags.removed).count
                if tags.removed.count + tombstones > InputBounds.maxTombstonesPerProfile {
                    throw ApplyError(
                        .tooManyTombstones,
                        "the profile has had \(tags.removed.count) tag removals, the most one keeps (\(InputBounds.maxTombstonesPerProfile)); stop toggling tags on this customer"
                    )
                }
            }
        case .scan, .feedback:
            break
        }
        if let card = event.card { cards.insert(card) }
        switch event {
        case .sale, .return, .scan, .feedback:
            break
        case .profile(let change):
            // In declaration order, so conflicts are reported in a fixed order
            // (without sorting on this hot path).
            if !change.set.isEmpty {
                for field in ProfileField.allCases {
                    guard let value = change.set[field] else { continue }
                    report.conflicts += write(field, value, at: stamp, seen: change.observed[field])
                }
            }
            for removal in change.removeTags { tags.remove(removal) }
            for tag in change.addTags { tags.add(tag, dot: stamp) }
            if !change.consent.isEmpty {
                for channel in ConsentChannel.allCases {
                    guard let write = change.consent[channel] else { continue }
                    report.conflicts += self.write(channel, write, at: stamp)
                }
            }
        }
        return report
    }

    /// Writes a field; when the register holds a value its writer had not
    /// seen, the two writes were concurrent and the loser is reported.
    private mutating func write(_ field: ProfileField, _ value: String?, at stamp: HLCTimestamp, seen: HLCTimestamp?) -> [FieldConflict] {
        let incoming = LWWRegister(value: value, stamp: stamp)
        guard let current = fields[field] else {
            fields[field] = incoming
            return []
        }
        fields[field]!.merge(incoming)
        guard current.stamp != seen, current.value != value, current.stamp != stamp else { return [] }
        let (lost, won) = current.stamp < stamp ? (current, incoming) : (incoming, current)
        return [FieldConflict(field: field.rawValue, lost: .init(value: lost.value, stamp: lost.stamp), won: .init(value: won.value, stamp: won.stamp))]
    }

    /// Writes consent; an opt-in left standing beside a concurrent opt-out
    /// is reported as overridden.
    private mutating func write(_ channel: ConsentChannel, _ write: ConsentWrite, at stamp: HLCTimestamp) -> [FieldConflict] {
        var register = consent[channel] ?? ConsentRegister()
        register.write(write.value, at: stamp, superseding: write.observed)
        consent[channel] = register
        guard register.live[stamp] != nil else { return [] }
        let concurrent = register.live.filter { $0.key != stamp && $0.value != write.value }
        return concurrent.sorted { $0.key < $1.key }.map { other in
            let mine = FieldConflict.Value(value: write.value.rawValue, stamp: stamp)
            let theirs = FieldConflict.Value(value: other.value.rawValue, stamp: other.key)
            let (lost, won) = write.value == .optedOut ? (theirs, mine) : (mine, theirs)
            return FieldConflict(field: "consent.\(channel.rawValue)", lost: lost, won: won)
        }
    }
}
