/// Tags and interests as an add-wins observed-remove set (OR-set).
///
/// Each addition is identified by a dot (the timestamp of the entry that added
/// it). A removal tombstones the dots its writer had observed; a tag is present
/// while it has a dot that is not tombstoned. So a tag added in one store while
/// another store removed it concurrently survives: the removal never saw that
/// addition.
public struct TagSet: Hashable, Sendable, Codable {
    /// Live dots per tag (dots already tombstoned are dropped).
    public private(set) var adds: [Tag: Set<HLCTimestamp>]
    /// Dots removed anywhere; kept so a late-arriving copy of an addition stays removed.
    public private(set) var removed: Set<HLCTimestamp>

    public init() {
        adds = [:]
        removed = []
    }

    /// A set as stored (see ``ProfileState/compactBytes``).
    init(adds: [Tag: Set<HLCTimestamp>], removed: Set<HLCTimestamp>) {
        self.adds = adds
        self.removed = removed
    }

    /// The tags currently present, sorted.
    public var elements: [Tag] { adds.keys.sorted() }

    /// The dots of `tag` this replica has observed; a removal must carry them.
    public func dots(of tag: Tag) -> [HLCTimestamp] {
        (adds[tag] ?? []).sorted()
    }

    public mutating func add(_ tag: Tag, dot: HLCTimestamp) {
        guard !removed.contains(dot) else { return }
        adds[tag, default: []].insert(dot)
    }

    public mutating func remove(_ removal: TagRemoval) {
        removed.formUnion(removal.observed)
        prune(removal.tag)
    }

    public mutating func merge(_ other: TagSet) {
        removed.formUnion(other.removed)
        for (tag, dots) in other.adds {
            adds[tag, default: []].formUnion(dots)
        }
        for tag in Array(adds.keys) { prune(tag) }
    }

    private mutating func prune(_ tag: Tag) {
        guard let dots = adds[tag] else { return }
        let live = dots.subtracting(removed)
        adds[tag] = live.isEmpty ? nil : live
    }

    enum CodingKeys: String, CodingKey {
        case adds, removed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        adds = try container.decode([Tag: [HLCTimestamp]].self, forKey: .adds).mapValues(Set.init)
        removed = Set(try container.decode([HLCTimestamp].self, forKey: .removed))
    }

    /// Sets are written as sorted arrays so the encoding is canonical.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(adds.mapValues { $0.sorted() }, forKey: .adds)
        try container.encode(removed.sorted(), forKey: .removed)
    }
}
