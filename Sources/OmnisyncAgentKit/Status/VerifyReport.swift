/// What `omnisync-agent verify` found.
public struct VerifyReport: Sendable, Equatable, Encodable {
    /// Entries checked.
    public var entries: Int64
    /// Local profiles checked.
    public var profiles: Int
    /// One line per problem; empty when the journal and store are sound.
    public var problems: [String]

    public var isSound: Bool { problems.isEmpty }
}
