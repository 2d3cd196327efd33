/// What a push means, decided before anything is written: which entries are
/// new, which are resends, and where a gap stops the batch.
///
/// The rules (see `docs/protocol.md`):
/// - sequence numbers in a batch must be strictly increasing;
/// - an entry at or below the acknowledged sequence is a resend: a no-op if
///   its id matches what is stored, a conflict if not (the terminal's journal
///   was reset and reuses numbers; storing nothing is the only safe answer);
/// - the entry at acknowledged + 1 is accepted, then the next, and so on;
/// - an entry beyond the next expected one is a gap: it and everything after
///   it are left for a resend, and the answer names the expected sequence.
public struct PushPlan: Sendable, Hashable {
    /// New entries to store, in sequence order, starting at the old acknowledged + 1.
    public var accepted: [IncomingEntry]
    /// Entries of the batch the hub already had.
    public var duplicates: Int
    /// The acknowledged sequence once `accepted` is stored.
    public var acknowledgedSeq: Int64

    /// - Parameters:
    ///   - batch: the push, already checked to come from its authenticated terminal.
    ///   - acknowledgedSeq: the terminal's acknowledged sequence before this push.
    ///   - storedIDs: ids stored under the batch's sequence numbers at or below
    ///     `acknowledgedSeq`.
    public init(batch: IncomingPush, acknowledgedSeq: Int64, storedIDs: [Int64: String]) throws(HubError) {
        var previous: Int64 = 0
        for entry in batch.entries {
            guard entry.seq > previous else {
                throw HubError(.malformedRequest, "entries must be in strictly increasing seq order (seq \(entry.seq) follows \(previous))")
            }
            previous = entry.seq
        }

        var accepted: [IncomingEntry] = []
        var duplicates = 0
        var next = acknowledgedSeq + 1
        for entry in batch.entries {
            if entry.seq < next {
                guard let stored = storedIDs[entry.seq] else {
                    throw HubError(.sequenceConflict, "seq \(entry.seq) of terminal \(batch.terminal) is acknowledged but missing at the hub")
                }
                guard entry.storedID == stored else {
                    throw HubError(
                        .sequenceConflict,
                        "seq \(entry.seq) of terminal \(batch.terminal) is already stored with another entry id; this terminal's journal was reset or copied: register the device as a new terminal"
                    )
                }
                duplicates += 1
            } else if entry.seq == next {
                accepted.append(entry)
                next += 1
            } else {
                break
            }
        }
        self.accepted = accepted
        self.duplicates = duplicates
        self.acknowledgedSeq = next - 1
    }

    /// Sequence numbers of the batch at or below `acknowledgedSeq`: the ids
    /// stored under them are needed to check resends.
    public static func resentSeqs(in batch: IncomingPush, acknowledgedSeq: Int64) -> [Int64] {
        batch.entries.map(\.seq).filter { $0 <= acknowledgedSeq }
    }
}
