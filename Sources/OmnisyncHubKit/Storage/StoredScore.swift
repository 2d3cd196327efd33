import OmnisyncCore

/// What a customer's row holds of the last recompute.
struct StoredScore: Hashable, Sendable {
    var id: CustomerID
    var recency: Int?
    var frequency: Int?
    var monetary: Int?
    var segment: String?
    var tier: String?
    var lifecycle: String?
    var churnRisk: Bool
    /// The customer's interests (``InterestTags``); nil: not worked out yet.
    var interests: [Tag]?

    init(id: CustomerID, _ score: CustomerScoring.Score, interests: [Tag]?) {
        self.id = id
        (recency, frequency, monetary) = (score.recency, score.frequency, score.monetary)
        (segment, tier, lifecycle, churnRisk) = (score.segment?.rawValue, score.tier.rawValue, score.lifecycle?.rawValue, score.churnRisk)
        self.interests = interests
    }

    init(
        id: CustomerID, recency: Int?, frequency: Int?, monetary: Int?, segment: String?, tier: String?, lifecycle: String?,
        churnRisk: Bool, interestsColumn: String?
    ) {
        self.id = id
        (self.recency, self.frequency, self.monetary) = (recency, frequency, monetary)
        (self.segment, self.tier, self.lifecycle, self.churnRisk) = (segment, tier, lifecycle, churnRisk)
        interests = interestsColumn.map(Self.tags(from:))
    }

    /// The `interests` column: tags separated by commas (interest tags hold none).
    var interestsColumn: String? { interests?.map(\.rawValue).joined(separator: ",") }

    static func tags(from column: String) -> [Tag] {
        column.split(separator: ",").compactMap { Tag(rawValue: String($0)) }
    }

    /// The fields the tills show.
    var profileFields: [ProfileField: String?] { [.tier: tier, .segment: segment, .lifecycle: lifecycle] }

    /// Whether the tills must be told: tier, segment, stage, churn flag or interests differ from `before`.
    func changesProfile(from before: StoredScore?) -> Bool {
        profileFields != before?.profileFields || churnRisk != before?.churnRisk || interests != before?.interests
    }

    /// Writes what the tills show of this score into `state` as one
    /// hub-stamped profile change (fields, the churn-risk tag, interest
    /// tags: ``HubTags``); false, and `state` untouched, when it already shows it.
    func write(into state: inout ProfileState, stamp: () -> HLCTimestamp) throws(HubError) -> Bool {
        let fields = profileFields.filter { state.fields[$0.key]?.value != $0.value }
        let (add, remove) = HubTags.changes(to: state.tags, churnRisk: churnRisk, interests: interests)
        guard !fields.isEmpty || !add.isEmpty || !remove.isEmpty else { return false }
        do throws(ApplyError) {
            try state.apply(.profile(ProfileEvent(customer: id, set: fields, addTags: add, removeTags: remove)), by: .hub, at: stamp()) { "the recompute" }
        } catch {
            throw HubError(.storage, "cannot write the scores of customer \(id): \(error.message)")
        }
        return true
    }
}
