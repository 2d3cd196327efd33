extension ProfileState {
    /// Applies the effect of one journal entry about this customer.
    ///
    /// The same function runs at the terminal when the entry is recorded and
    /// at the hub when it is stored, so both compute the same state. Counters
    /// grow by the entry's amounts, so each entry must be applied once per
    /// replica: the agent applies it when recording, the hub when it first
    /// stores `(terminal, seq)`.
    public mutating func apply(_ entry: JournalEntry) {
        precondition(entry.event.customer == id, "applying an entry about another customer")
        let replica = ReplicaID(entry.terminal)
        if let card = entry.event.card { addCard(card) }
        switch entry.event {
        case .sale(let sale):
            updatePoints {
                $0.earn(sale.pointsEarned, at: replica)
                $0.redeem(sale.pointsRedeemed, at: replica)
            }
        case .return(let ret):
            updatePoints { $0.reverse(ret.pointsReversed, at: replica) }
        case .scan:
            break
        case .profile(let change):
            if change.erase {
                erase(at: entry.hlc)
                return
            }
            for (field, value) in change.set {
                write(field, value, at: entry.hlc)
            }
            updateTags { tags in
                for removal in change.removeTags { tags.remove(removal) }
                for tag in change.addTags { tags.add(tag, dot: entry.hlc) }
            }
            for (channel, value) in change.consent {
                write(channel, value, at: entry.hlc)
            }
        }
    }
}
