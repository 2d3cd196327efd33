public import Foundation
public import OmnisyncCore

/// A registered terminal and what the hub knows of its sync progress.
public struct TerminalRecord: Sendable, Hashable {
    public var id: TerminalID
    public var store: StoreID
    public var createdAt: Date
    public var revokedAt: Date?
    /// The highest sequence stored contiguously from 1.
    public var acknowledgedSeq: Int64
    public var lastContact: Date?
    /// Entries the terminal said it still held after its last push.
    public var reportedBacklog: Int64
    /// Terminal clock minus hub clock at its last request, in seconds.
    public var clockSkewSeconds: Double?
    /// The SHA-256 of the token the terminal had when this record was read:
    /// a push authenticated with it is refused at commit time if the token was
    /// rotated (or the terminal revoked) in between.
    public var tokenHash: String?

    public var isRevoked: Bool { revokedAt != nil }
}

/// When a terminal's request arrived, and what its clock said when it sent it.
public struct TerminalContact: Sendable, Hashable {
    public var receivedAt: Date
    public var sentAt: Date?

    public init(receivedAt: Date, sentAt: Date?) {
        self.receivedAt = receivedAt
        self.sentAt = sentAt
    }

    /// The terminal's clock skew, positive when its clock is ahead.
    public var skewSeconds: Double? {
        sentAt.map { $0.timeIntervalSince(receivedAt) }
    }
}
