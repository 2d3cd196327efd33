public import Foundation

/// `GET /v1/pull?cursor=C`: merged profile states changed since the cursor, for
/// the customers the terminal's store has dealt with.
///
/// Applying a page is merging each profile into the local copy, which is
/// idempotent: re-applying a page after a crash is harmless. The cursor is
/// opaque to the terminal; it stores it with the merged profiles, in one
/// transaction.
public struct PullResponse: Hashable, Sendable, Codable {
    public var profiles: [ProfileState]
    public var cursor: String
    /// More changes are waiting: pull again with the new cursor.
    public var hasMore: Bool
    public var policy: LoyaltyPolicy
    /// The hub's wall clock, so the terminal can see its own skew.
    public var serverTime: Date

    public init(profiles: [ProfileState], cursor: String, hasMore: Bool, policy: LoyaltyPolicy, serverTime: Date) {
        self.profiles = profiles
        self.cursor = cursor
        self.hasMore = hasMore
        self.policy = policy
        self.serverTime = serverTime
    }
}
