public import OmnisyncCore

/// One page of profile changes for a store, in change order.
public struct PullPage: Sendable, Hashable {
    public var profiles: [ProfileState]
    /// Where the next page starts; unchanged when the page is empty.
    public var cursor: String
    public var hasMore: Bool
}
