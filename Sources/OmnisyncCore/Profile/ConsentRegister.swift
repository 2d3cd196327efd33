/// Consent on one channel: last writer wins, except that an opt-out concurrent
/// with an opt-in wins.
///
/// A multi-value register: every write carries the dots (timestamps) of the
/// writes its writer had seen, and supersedes them. The writes no one has
/// superseded are live; the consent is `out` if any live write is `out`. So
/// when a store records an opt-out while another, unaware of it, records an
/// opt-in, both stay live and the customer stays opted out; an opt-in made
/// after seeing the opt-out supersedes it. Merge is the union of writes and of
/// superseded dots, which is a join.
public struct ConsentRegister: Hashable, Sendable {
    /// Writes not superseded by any write seen so far.
    public private(set) var live: [HLCTimestamp: ConsentValue]
    /// Dots of writes some later write had seen; kept so a late copy stays dead.
    public private(set) var superseded: Set<HLCTimestamp>

    public init() {
        live = [:]
        superseded = []
    }

    /// A register as stored (see ``ProfileState/compactBytes``).
    init(live: [HLCTimestamp: ConsentValue], superseded: Set<HLCTimestamp>) {
        self.live = live
        self.superseded = superseded
    }

    /// The consent shown: `out` if any live write is `out`, nil if never given.
    public var value: ConsentValue? {
        if live.values.contains(.optedOut) { return .optedOut }
        return live.isEmpty ? nil : .optedIn
    }

    /// The live dots, which a new write on this channel supersedes.
    public var dots: [HLCTimestamp] { live.keys.sorted() }

    /// True while concurrent writes disagree (an opt-out is overriding an opt-in).
    public var isContested: Bool { Set(live.values).count > 1 }

    /// Records a write made at `dot` by a writer who had seen `observed`.
    public mutating func write(_ value: ConsentValue, at dot: HLCTimestamp, superseding observed: [HLCTimestamp]) {
        superseded.formUnion(observed)
        for seen in observed { live[seen] = nil }
        if !superseded.contains(dot) { live[dot] = value }
    }

    public mutating func merge(_ other: ConsentRegister) {
        superseded.formUnion(other.superseded)
        live.merge(other.live) { mine, _ in mine }
        for dot in Array(live.keys) where superseded.contains(dot) { live[dot] = nil }
    }
}

extension ConsentRegister: Codable {
    struct Write: Codable {
        var stamp: HLCTimestamp
        var value: ConsentValue
    }

    enum CodingKeys: String, CodingKey {
        case live, superseded
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        live = Dictionary(uniqueKeysWithValues: try container.decode([Write].self, forKey: .live).map { ($0.stamp, $0.value) })
        superseded = Set(try container.decode([HLCTimestamp].self, forKey: .superseded))
    }

    /// Written sorted, so equal registers encode identically.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(live.sorted { $0.key < $1.key }.map { Write(stamp: $0.key, value: $0.value) }, forKey: .live)
        try container.encode(superseded.sorted(), forKey: .superseded)
    }
}
