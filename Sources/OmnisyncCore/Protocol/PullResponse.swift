public import Foundation

/// `GET /v1/pull?cursor=C`: merged profile states changed since the cursor, for
/// the customers the terminal's store has dealt with.
///
/// Applying a page is merging each profile into the local copy, which is
/// idempotent: re-applying a page after a crash is harmless. The cursor is
/// opaque to the terminal; it stores it with the merged profiles, in one
/// transaction.
///
/// A terminal must never be wedged by what it receives: a profile it cannot
/// read is skipped and counted (``unreadable``) rather than failing the whole
/// page, and a policy it cannot read (or one outside its bounds) leaves the
/// terminal on the policy it had (``policy`` nil) rather than failing the pull.
public struct PullResponse: Hashable, Sendable, Encodable {
    public var profiles: [ProfileState]
    public var cursor: String
    /// More changes are waiting: pull again with the new cursor.
    public var hasMore: Bool
    /// The store's loyalty policy; nil when it could not be read.
    public var policy: LoyaltyPolicy?
    /// The hub's wall clock, so the terminal can see its own skew.
    public var serverTime: Date
    /// Why profiles of this page could not be read (not sent by the hub: filled in when decoding).
    public var unreadable: [String] = []

    public init(profiles: [ProfileState], cursor: String, hasMore: Bool, policy: LoyaltyPolicy?, serverTime: Date) {
        self.profiles = profiles
        self.cursor = cursor
        self.hasMore = hasMore
        self.policy = policy
        self.serverTime = serverTime
    }

    enum CodingKeys: String, CodingKey {
        case profiles, cursor, hasMore, policy, serverTime
    }

    /// The response's JSON with each profile's stored JSON spliced in as it
    /// is (the hub caches it per change), rather than decoded and encoded
    /// again for every terminal that pulls it. Canonical like the encoder's.
    public static func body(profiles: [Data], cursor: String, hasMore: Bool, policy: LoyaltyPolicy?, serverTime: Date) throws -> Data {
        var body = Data()
        body.append(contentsOf: #"{"cursor":"#.utf8)
        body.append(try WireCoding.encode(cursor))
        body.append(contentsOf: #","hasMore":\#(hasMore)"#.utf8)
        if let policy {
            body.append(contentsOf: #","policy":"#.utf8)
            body.append(try WireCoding.encode(policy))
        }
        body.append(contentsOf: #","profiles":["#.utf8)
        for (index, profile) in profiles.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(profile)
        }
        body.append(contentsOf: #"],"serverTime":"#.utf8)
        body.append(try WireCoding.encode(RFC3339.format(serverTime)))
        body.append(UInt8(ascii: "}"))
        return body
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profiles, forKey: .profiles)
        try container.encode(cursor, forKey: .cursor)
        try container.encode(hasMore, forKey: .hasMore)
        try container.encodeIfPresent(policy, forKey: .policy)
        try container.encode(serverTime, forKey: .serverTime)
    }
}

extension PullResponse: Decodable {
    /// One profile of a page, or why it could not be read.
    private struct Lenient: Decodable {
        var profile: Result<ProfileState, DecodingProblem>

        init(from decoder: any Decoder) throws {
            do {
                profile = .success(try ProfileState(from: decoder))
            } catch {
                profile = .failure(DecodingProblem(error))
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var profiles: [ProfileState] = []
        var unreadable: [String] = []
        for item in try container.decode([Lenient].self, forKey: .profiles) {
            switch item.profile {
            case .success(let profile): profiles.append(profile)
            case .failure(let problem): unreadable.append(problem.description)
            }
        }
        self.init(
            profiles: profiles,
            cursor: try container.decode(String.self, forKey: .cursor),
            hasMore: try container.decode(Bool.self, forKey: .hasMore),
            policy: try? container.decodeIfPresent(LoyaltyPolicy.self, forKey: .policy),
            serverTime: try container.decode(Date.self, forKey: .serverTime)
        )
        self.unreadable = unreadable
    }
}
