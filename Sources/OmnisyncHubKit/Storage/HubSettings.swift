/// Chain-wide settings of the hub, stored with its data so every command and
/// every hub replica agrees on them.
public struct HubSettings: Sendable, Hashable, Codable {
    /// How far in the future a terminal's timestamp may be before the hub
    /// clamps it to its own clock (seconds; default five minutes).
    public var clockToleranceSeconds: Int64
    /// Card lookups one terminal may make per minute (default 60). A till
    /// looks up a card it does not know when a customer of another store
    /// shows it; many more is a terminal enumerating the chain's customers.
    public var cardLookupsPerMinute: Int64
    /// The country calling code (`33`) a phone number written nationally
    /// (`06 12 34 56 78`) is read in when customers are matched by phone;
    /// nil (the default) until the chain sets it, and such numbers are then
    /// not usable for matching.
    public var phoneCountryCode: String?

    public init(clockToleranceSeconds: Int64 = 300, cardLookupsPerMinute: Int64 = 60, phoneCountryCode: String? = nil) {
        self.clockToleranceSeconds = clockToleranceSeconds
        self.cardLookupsPerMinute = cardLookupsPerMinute
        self.phoneCountryCode = phoneCountryCode
    }

    public static let `default` = HubSettings()

    /// A year: the largest tolerance `policy set --clock-tolerance` takes, so
    /// that adding it to a reading in milliseconds cannot overflow.
    public static let maxClockToleranceSeconds: Int64 = 31_536_000

    /// The range `policy set --card-lookups-per-minute` takes.
    public static let cardLookupsPerMinuteRange: ClosedRange<Int64> = 0...100_000

    /// The tolerance in milliseconds, held within its bounds.
    public var clockToleranceMillis: Int64 {
        min(max(clockToleranceSeconds, 0), Self.maxClockToleranceSeconds) * 1000
    }

    enum CodingKeys: String, CodingKey {
        case clockToleranceSeconds, cardLookupsPerMinute, phoneCountryCode
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clockToleranceSeconds = try container.decodeIfPresent(Int64.self, forKey: .clockToleranceSeconds) ?? Self.default.clockToleranceSeconds
        cardLookupsPerMinute = try container.decodeIfPresent(Int64.self, forKey: .cardLookupsPerMinute) ?? Self.default.cardLookupsPerMinute
        phoneCountryCode = try container.decodeIfPresent(String.self, forKey: .phoneCountryCode)
    }
}
