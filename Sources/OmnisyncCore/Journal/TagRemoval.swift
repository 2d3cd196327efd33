/// A tag removed at a terminal, with the additions of it that terminal had seen.
///
/// Tags merge as an add-wins observed-remove set: a removal only cancels the
/// additions it observed, so a concurrent addition elsewhere survives it.
public struct TagRemoval: Hashable, Sendable, Codable {
    public var tag: Tag
    /// The add-dots (timestamps of additions) the remover had seen.
    public var observed: [HLCTimestamp]

    public init(tag: Tag, observed: [HLCTimestamp]) {
        self.tag = tag
        self.observed = observed.sorted()
    }

    enum CodingKeys: String, CodingKey {
        case tag, observed
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            tag: try container.decode(Tag.self, forKey: .tag),
            observed: try container.decode([HLCTimestamp].self, forKey: .observed)
        )
    }
}
