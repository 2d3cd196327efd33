/// The hub's answer to a push.
///
/// `acknowledgedSeq` is the highest sequence number the hub has stored for the
/// terminal, contiguously from 1: every entry up to it is durable at the hub
/// (applied, or quarantined for an operator). `expectedSeq` is the next one it
/// wants; when a batch started beyond it (a gap), the terminal resends from
/// there.
public struct PushResponse: Hashable, Sendable, Codable {
    public var acknowledgedSeq: Int64
    public var expectedSeq: Int64
    /// Entries of this batch stored for the first time.
    public var stored: Int
    /// Entries of this batch the hub already had (a harmless resend).
    public var duplicates: Int
    /// Entries of this batch stored but not applied; see `omnisync-hub status`.
    public var quarantined: Int

    public init(acknowledgedSeq: Int64, stored: Int, duplicates: Int, quarantined: Int) {
        self.acknowledgedSeq = acknowledgedSeq
        self.expectedSeq = acknowledgedSeq + 1
        self.stored = stored
        self.duplicates = duplicates
        self.quarantined = quarantined
    }
}
