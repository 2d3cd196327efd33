/// A consent change as the journal records it: the new value and the live
/// writes on that channel the terminal had seen (see ``ConsentRegister``).
public struct ConsentWrite: Hashable, Sendable, Codable {
    public var value: ConsentValue
    public var observed: [HLCTimestamp]

    public init(value: ConsentValue, observed: [HLCTimestamp] = []) {
        self.value = value
        self.observed = observed.sorted()
    }

    enum CodingKeys: String, CodingKey {
        case value, observed
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(value: try container.decode(ConsentValue.self, forKey: .value), observed: try container.decode([HLCTimestamp].self, forKey: .observed))
    }
}
