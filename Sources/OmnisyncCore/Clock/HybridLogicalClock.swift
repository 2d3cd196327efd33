/// A hybrid logical clock (Kulkarni et al., 2014) for one replica.
///
/// It issues timestamps that are strictly increasing even when the wall clock
/// jumps backwards (NTP corrections, a dead RTC battery), and that stay close
/// to wall time so "last writer wins" means roughly what a person expects.
///
/// The clock is a value: the caller persists ``last`` (the agent does so in the
/// same SQLite transaction as the entry it stamps) and passes the wall time in,
/// which keeps this type free of I/O and deterministic under test.
public struct HybridLogicalClock: Sendable, Equatable {
    public let replica: ReplicaID
    /// The latest timestamp issued or observed; persisted across restarts.
    public private(set) var last: HLCTimestamp

    /// Starts a clock for `replica`, resuming after `last` if one was persisted.
    public init(replica: ReplicaID, resumingAfter last: HLCTimestamp? = nil) {
        self.replica = replica
        self.last = HLCTimestamp(
            wallMillis: last?.wallMillis ?? 0,
            counter: last?.counter ?? 0,
            replica: replica
        )
    }

    /// Issues a timestamp for a local event happening at `wallMillis`.
    public mutating func tick(wallMillis: Int64) -> HLCTimestamp {
        if wallMillis > last.wallMillis {
            last = HLCTimestamp(wallMillis: wallMillis, counter: 0, replica: replica)
        } else {
            last = Self.after(wall: last.wallMillis, counter: last.counter, replica: replica)
        }
        return last
    }

    /// Advances the clock past a timestamp received from another replica, so
    /// that the next local event is ordered after everything this replica has
    /// seen.
    public mutating func observe(_ remote: HLCTimestamp, wallMillis: Int64) {
        let wall = max(wallMillis, last.wallMillis, remote.wallMillis)
        if wall == last.wallMillis && wall == remote.wallMillis {
            last = Self.after(wall: wall, counter: max(last.counter, remote.counter), replica: replica)
        } else if wall == last.wallMillis {
            last = Self.after(wall: wall, counter: last.counter, replica: replica)
        } else if wall == remote.wallMillis {
            last = Self.after(wall: wall, counter: remote.counter, replica: replica)
        } else {
            last = HLCTimestamp(wallMillis: wall, counter: 0, replica: replica)
        }
    }

    /// The smallest timestamp of `replica` after `wall:counter`: the next
    /// counter, or, once the counter is exhausted (a forged or corrupted
    /// stamp can carry `UInt32.max`), the next millisecond. Never traps.
    public static func after(wall: Int64, counter: UInt32, replica: ReplicaID) -> HLCTimestamp {
        if counter < .max { return HLCTimestamp(wallMillis: wall, counter: counter + 1, replica: replica) }
        return HLCTimestamp(wallMillis: wall.saturatingAdding(1), counter: 0, replica: replica)
    }
}
