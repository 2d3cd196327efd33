/// Two concurrent writes to one field, and which one the merge rule kept.
///
/// Neither writer had seen the other's value, so last-writer-wins (or, for
/// consent, opt-out-wins) decided; the losing value goes to the hub's conflict
/// log so that no concurrent change vanishes without a trace.
public struct FieldConflict: Hashable, Sendable, Codable {
    public struct Value: Hashable, Sendable, Codable {
        public var value: String?
        public var stamp: HLCTimestamp

        public init(value: String?, stamp: HLCTimestamp) {
            self.value = value
            self.stamp = stamp
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(value, forKey: .value)
            try container.encode(stamp, forKey: .stamp)
        }

        enum CodingKeys: String, CodingKey {
            case value, stamp
        }
    }

    /// `name`, `email`, ... or `consent.email`, `consent.sms`.
    public var field: String
    public var lost: Value
    public var won: Value

    public init(field: String, lost: Value, won: Value) {
        self.field = field
        self.lost = lost
        self.won = won
    }

    /// Whether the field holds personal data (its values are masked and erased).
    public var isPersonal: Bool {
        ProfileField(rawValue: field)?.isPersonal ?? false
    }
}
