/// A hybrid logical clock timestamp: wall-clock milliseconds, a logical counter
/// for events within the same millisecond (or while the wall clock stands
/// behind), and the replica that made it.
///
/// Timestamps are totally ordered: by wall time, then counter, then replica id.
/// The replica id breaks ties between two replicas that wrote in the same
/// millisecond with the same counter, so every replica picks the same winner.
///
/// On the wire a timestamp is the string `WALL:COUNTER:REPLICA`, e.g.
/// `1795426500123:0:T-0001` (identifiers cannot contain `:`).
public struct HLCTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var wallMillis: Int64
    public var counter: UInt32
    public var replica: ReplicaID

    public init(wallMillis: Int64, counter: UInt32, replica: ReplicaID) {
        self.wallMillis = wallMillis
        self.counter = counter
        self.replica = replica
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.wallMillis != rhs.wallMillis { return lhs.wallMillis < rhs.wallMillis }
        if lhs.counter != rhs.counter { return lhs.counter < rhs.counter }
        return lhs.replica < rhs.replica
    }

    public var description: String { "\(wallMillis):\(counter):\(replica.rawValue)" }

    /// Parses the `WALL:COUNTER:REPLICA` form.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3,
            let wall = Int64(parts[0]), (0...InputBounds.maxWallMillis).contains(wall),
            let counter = UInt32(parts[1]),
            let replica = ReplicaID(rawValue: String(parts[2]))
        else { return nil }
        self.init(wallMillis: wall, counter: counter, replica: replica)
    }
}

extension HLCTimestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let timestamp = HLCTimestamp(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a hybrid logical clock timestamp WALL:COUNTER:REPLICA, WALL at most \(InputBounds.maxWallMillis)"
            )
        }
        self = timestamp
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
