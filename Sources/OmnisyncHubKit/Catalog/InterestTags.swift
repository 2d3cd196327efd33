public import OmnisyncCore

/// A customer's interests, read from what they bought: the rule behind the
/// `interest-…` tags the recompute puts on profiles (exact definition in
/// `docs/crm.md`). Pure, so the rule is tested on its own.
///
/// A category is an interest when the customer bought, net of returns, at
/// least ``CRMSettings/interestMinItems`` items of it and those items are at
/// least ``CRMSettings/interestShare`` of all the catalogued items they
/// bought. At most ``CRMSettings/interestMaxTags`` interests are kept, the
/// largest first (ties by tag), so a customer who buys a little of everything
/// has none: the tag means something to a cashier.
public enum InterestTags {
    /// The prefix of every tag the hub manages for interests; the hub removes
    /// only its own additions of these, never a cashier's.
    public static let prefix = "interest-"

    /// The interests of a customer whose net quantities per category are
    /// `quantities`, as tags, sorted.
    public static func interests(_ quantities: [String: Int64], settings: CRMSettings) -> [Tag] {
        // Categories that read the same ("Shoes", "shoes ") are one interest.
        var byTag: [String: Int64] = [:]
        for (category, quantity) in quantities where quantity > 0 {
            let slug = slug(category)
            guard !slug.isEmpty else { continue }
            byTag[prefix + slug, default: 0] += quantity
        }
        let total = byTag.values.reduce(0, +)
        guard total > 0, settings.interestMaxTags > 0 else { return [] }
        let kept = byTag
            .filter { $0.value >= settings.interestMinItems && Double($0.value) >= settings.interestShare * Double(total) }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(settings.interestMaxTags)
        return kept.compactMap { Tag(rawValue: $0.key) }.sorted()
    }

    /// The category as a tag-friendly word: lower case, letters and digits
    /// kept, every other run of characters one hyphen ("Running & Trail" ->
    /// "running-trail"); at most 55 characters so the tag fits in 64.
    public static func slug(_ category: String) -> String {
        var slug = ""
        var pendingHyphen = false
        for character in category.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.append(character)
            } else {
                pendingHyphen = true
            }
        }
        return String(slug.prefix(55))
    }

    /// Whether `tag` is one the interest rule manages.
    public static func isInterest(_ tag: Tag) -> Bool {
        tag.rawValue.hasPrefix(prefix)
    }
}
