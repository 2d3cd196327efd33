public import Foundation
public import OmnisyncCore

/// One page of profile changes for a store, in change order.
public struct PullPage: Sendable, Hashable {
    /// Each profile as its canonical JSON, ready to splice into the answer.
    public var profiles: [Data]
    /// Where the next page starts; unchanged when the page is empty.
    public var cursor: String
    public var hasMore: Bool
}
