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
    /// The price-list version the terminal last said it runs (nil: it never
    /// asked for prices), and since when the hub has seen it run that one.
    public var priceListVersion: Int64?
    public var priceListSince: Date?

    public var isRevoked: Bool { revokedAt != nil }

    /// Checks, inside a push's transaction, that the terminal as stored now
    /// (`revoked`, `tokenHash`) still admits the push this record
    /// authenticated: a revocation or a token rotation that landed while
    /// the push was in flight refuses it at commit, not only at the door.
    func checkStillAdmitted(revoked: Bool, tokenHash: String?) throws(HubError) {
        if revoked {
            throw HubError(.terminalRevoked, "terminal \(id) was revoked; register the device again to get a new token")
        }
        if let authenticated = self.tokenHash, tokenHash != authenticated {
            throw HubError(.unauthorized, "the token of terminal \(id) was replaced while this push was in flight; use the new token")
        }
    }
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
