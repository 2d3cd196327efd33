public import OmnisyncCore

/// The tags the hub itself keeps on profiles, so what the recompute finds
/// reaches the tills with the profile pull: the churn-risk flag and the
/// customer's interests (``InterestTags``). Pure: backends apply what it says.
public enum HubTags {
    /// The tag that carries the churn-risk flag to the tills.
    public static let churnRisk = Tag(rawValue: "churn-risk")!

    /// The tags the recompute adds and removes so a profile carries its
    /// churn-risk flag and its interests (nil: not known, left alone). The
    /// hub removes only its own additions of an interest: one a cashier
    /// added stays.
    public static func changes(to tags: TagSet, churnRisk: Bool, interests: [Tag]?) -> (add: [Tag], remove: [TagRemoval]) {
        var add: [Tag] = []
        var remove: [TagRemoval] = []
        let flagged = tags.adds[Self.churnRisk]
        if churnRisk, flagged == nil { add.append(Self.churnRisk) }
        if !churnRisk, let flagged { remove.append(TagRemoval(tag: Self.churnRisk, observed: flagged.sorted())) }
        if let interests {
            let wanted = Set(interests)
            add += interests.filter { tags.adds[$0] == nil }
            for (tag, dots) in tags.adds where InterestTags.isInterest(tag) && !wanted.contains(tag) {
                let own = dots.filter { $0.replica == .hub }
                if !own.isEmpty { remove.append(TagRemoval(tag: tag, observed: own.sorted())) }
            }
        }
        return (add, remove.sorted { $0.tag < $1.tag })
    }
}
