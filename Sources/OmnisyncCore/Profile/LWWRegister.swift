/// A last-writer-wins register: the value written with the greatest hybrid
/// logical clock timestamp. A `nil` value is a write that cleared the field.
public struct LWWRegister<Value: Hashable & Sendable & Codable>: Hashable, Sendable, Codable {
    public private(set) var value: Value?
    public private(set) var stamp: HLCTimestamp

    public init(value: Value?, stamp: HLCTimestamp) {
        self.value = value
        self.stamp = stamp
    }

    /// Keeps whichever write is later; commutative, associative, idempotent.
    ///
    /// Two writes never share a timestamp unless they are the same write (a
    /// replica issues each timestamp once), so ties cannot pick differently.
    public mutating func merge(_ other: Self) {
        if other.stamp > stamp { self = other }
    }

    enum CodingKeys: String, CodingKey {
        case value, stamp
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // An explicit null keeps "cleared" distinguishable from "absent" and
        // the encoding canonical.
        if let value { try container.encode(value, forKey: .value) } else { try container.encodeNil(forKey: .value) }
        try container.encode(stamp, forKey: .stamp)
    }
}
