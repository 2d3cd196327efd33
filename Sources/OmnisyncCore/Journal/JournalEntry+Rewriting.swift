extension JournalEntry {
    /// The entry with every timestamp it carries passed through `transform`:
    /// its own stamp, and the stamps it says its writer had seen.
    ///
    /// The hub uses it to clamp a terminal's far-future stamps (and to
    /// translate later references to them) consistently.
    public func mappingStamps(_ transform: (HLCTimestamp) -> HLCTimestamp) -> JournalEntry {
        var copy = self
        copy.hlc = transform(hlc)
        if case .profile(var change) = event {
            change.observed = change.observed.mapValues(transform)
            change.removeTags = change.removeTags.map { TagRemoval(tag: $0.tag, observed: $0.observed.map(transform)) }
            change.consent = change.consent.mapValues { ConsentWrite(value: $0.value, observed: $0.observed.map(transform)) }
            copy.event = .profile(change)
        }
        return copy
    }

    /// Calls `body` with every stamp the entry carries or refers to (those
    /// ``mappingStamps(_:)`` would map), without copying the entry.
    public func forEachStamp(_ body: (HLCTimestamp) -> Void) {
        body(hlc)
        guard case .profile(let change) = event else { return }
        change.observed.values.forEach(body)
        for removal in change.removeTags { removal.observed.forEach(body) }
        for write in change.consent.values { write.observed.forEach(body) }
    }

    /// The entry without personal data, kept after its customer is erased:
    /// the card, field values, tags and feedback comments go; amounts, lines,
    /// receipts and scores (the business record) stay.
    public func redactingPersonalData() -> JournalEntry {
        var copy = self
        switch event {
        case .sale(var sale):
            sale.card = nil
            copy.event = .sale(sale)
        case .return(var ret):
            ret.card = nil
            copy.event = .return(ret)
        case .scan(var scan):
            scan.card = nil
            copy.event = .scan(scan)
        case .profile(var change):
            change.card = nil
            change.set = change.set.mapValues { _ in nil }
            change.addTags = []
            change.removeTags = []
            copy.event = .profile(change)
        case .feedback(var feedback):
            // What the customer wrote goes; the score stays (it is no personal datum).
            feedback.card = nil
            feedback.comment = nil
            copy.event = .feedback(feedback)
        }
        return copy
    }
}
