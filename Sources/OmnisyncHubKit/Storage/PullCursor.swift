/// Where a terminal's pulls have reached: `EPOCH:SEQ`, opaque to terminals.
///
/// `SEQ` is the last change sequence the terminal received. `EPOCH` names the
/// hub database's history: it changes when the hub finds that history went
/// back (a database restored from a backup hands out change sequences it had
/// already handed out, which a bare number would let terminals skip). A
/// cursor of another epoch, or one ahead of anything the hub has issued,
/// starts the terminal's pulls again from the beginning: merging what it
/// already holds is harmless, skipping is not.
public struct PullCursor: Sendable, Hashable, CustomStringConvertible {
    /// Nil for a cursor written before epochs existed (a bare number).
    public var epoch: String?
    public var seq: Int64

    public init(epoch: String?, seq: Int64) {
        self.epoch = epoch
        self.seq = seq
    }

    /// Parses `EPOCH:SEQ` or a bare `SEQ`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let seq = Int64(parts[0]), seq >= 0 else { return nil }
            self.init(epoch: nil, seq: seq)
        case 2:
            guard !parts[0].isEmpty, parts[0].count <= 32, parts[0].allSatisfy({ $0.isLetter || $0.isNumber }),
                let seq = Int64(parts[1]), seq >= 0
            else { return nil }
            self.init(epoch: String(parts[0]), seq: seq)
        default:
            return nil
        }
    }

    public var description: String { epoch.map { "\($0):\(seq)" } ?? String(seq) }

    /// The cursor a terminal sent back (nil for its first pull); anything
    /// the hub did not issue is refused with a message saying what to send.
    public static func received(_ text: String?) throws(HubError) -> PullCursor? {
        guard let text else { return nil }
        guard let cursor = PullCursor(text) else {
            throw HubError(.malformedRequest, "invalid cursor '\(text.prefix(40))': send back the cursor of the previous pull")
        }
        return cursor
    }

    /// Profiles in one page: what the terminal asked for, 1 to 1,000.
    public static func pageSize(_ limit: Int) -> Int { min(max(limit, 1), 1000) }

    /// Where to start answering `cursor` in `epoch` when the hub has issued
    /// change sequences up to `highest`: after the cursor, or from the start
    /// when it belongs to another history. `ahead` is true when the cursor is
    /// beyond anything issued in this epoch: the hub's history went back.
    public static func start(for cursor: PullCursor?, epoch: String, highest: Int64) -> (seq: Int64, ahead: Bool) {
        guard let cursor else { return (0, false) }
        if let other = cursor.epoch, other != epoch { return (0, false) }
        if cursor.seq > highest { return (0, true) }
        return (cursor.seq, false)
    }
}
