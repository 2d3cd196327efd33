import OmnisyncCore
import OmnisyncHubKit
import Testing

/// Interests against hand-computed cases (docs/crm.md, "Interests").
@Suite struct InterestTagsTests {
    let rule = CRMSettings()  // a quarter of the items, at least 2, at most 3 tags

    func tags(_ names: String...) -> [OmnisyncCore.Tag] { names.map { OmnisyncCore.Tag(rawValue: $0)! } }

    @Test func aCategoryIsAnInterestWithEnoughItemsAndAShareOfThem() {
        // 10 items: footwear 5 (50%), outerwear 3 (30%), socks 2 (20%: below a quarter).
        #expect(InterestTags.interests(["Footwear": 5, "Outerwear": 3, "Socks": 2], settings: rule) == tags("interest-footwear", "interest-outerwear"))
        // A share exactly at the threshold counts: 2 of 8.
        #expect(InterestTags.interests(["Footwear": 6, "Socks": 2], settings: rule) == tags("interest-footwear", "interest-socks"))
        // One item is not an interest, whatever its share.
        #expect(InterestTags.interests(["Footwear": 1], settings: rule) == [])
        // Returns net out: nothing left, or a negative, is no interest.
        #expect(InterestTags.interests(["Footwear": 0, "Outerwear": -2, "Socks": 4], settings: rule) == tags("interest-socks"))
    }

    @Test func atMostTheLargestInterestsAreKeptTiesByName() {
        let even = ["A": 2, "B": 2, "C": 2, "D": 2] as [String: Int64]
        // Each is 25%: all qualify, the first three by name are kept.
        #expect(InterestTags.interests(even, settings: rule) == tags("interest-a", "interest-b", "interest-c"))
        var one = rule
        one.interestMaxTags = 1
        #expect(InterestTags.interests(["A": 3, "B": 5], settings: one) == tags("interest-b"))
        one.interestMaxTags = 0
        #expect(InterestTags.interests(["A": 3], settings: one) == [])
    }

    @Test func categoriesThatReadTheSameAreOneInterest() {
        #expect(InterestTags.slug("Running & Trail") == "running-trail")
        #expect(InterestTags.slug("  Été / Plage ") == "été-plage")
        // "Shoes" 1 + "shoes" 1 = 2 items of one interest.
        #expect(InterestTags.interests(["Shoes": 1, "shoes ": 1], settings: rule) == tags("interest-shoes"))
    }

    @Test func theHubRemovesOnlyItsOwnInterestTags() {
        let hubDot = HLCTimestamp(wallMillis: 1, counter: 0, replica: .hub)
        let tillDot = HLCTimestamp(wallMillis: 2, counter: 0, replica: ReplicaID(rawValue: "T-1")!)
        var set = TagSet()
        set.add(OmnisyncCore.Tag(rawValue: "interest-shoes")!, dot: hubDot)
        set.add(OmnisyncCore.Tag(rawValue: "interest-coats")!, dot: hubDot)
        set.add(OmnisyncCore.Tag(rawValue: "interest-coats")!, dot: tillDot)
        set.add(OmnisyncCore.Tag(rawValue: "interest-hats")!, dot: tillDot)
        set.add(OmnisyncCore.Tag(rawValue: "vip-event")!, dot: hubDot)

        let (add, remove) = HubTags.changes(to: set, churnRisk: false, interests: tags("interest-socks", "interest-shoes"))
        #expect(add == tags("interest-socks"))
        // Coats: only the hub's dot goes, so the cashier's addition keeps the tag; hats were never the hub's.
        #expect(remove == [TagRemoval(tag: OmnisyncCore.Tag(rawValue: "interest-coats")!, observed: [hubDot])])
        // Unknown interests (nil) leave interest tags alone.
        #expect(HubTags.changes(to: set, churnRisk: false, interests: nil).remove.isEmpty)
    }
}
