public import Foundation

/// The JSON encoders and decoders every Omnisync component uses, so that the
/// agent, the hub and the CLI agree byte for byte on what they write.
///
/// Keys are sorted, which makes encodings canonical: two replicas holding the
/// same profile state print identical JSON, and a stored entry re-encodes to
/// the bytes it was stored as. Times are RFC 3339 in UTC with milliseconds.
public enum WireCoding {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "expected an RFC 3339 time such as 2026-11-23T10:15:00Z"
                )
            }
            return date
        }
        return decoder
    }

    /// Encodes `value` canonically (sorted keys).
    public static func encode(_ value: some Encodable, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    /// Decodes `type` from `data`, turning any failure into a ``DecodingProblem``
    /// that names the offending field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(DecodingProblem) -> T {
        do {
            return try decoder().decode(type, from: data)
        } catch {
            throw DecodingProblem(error)
        }
    }
}

/// RFC 3339 times, always written in UTC with milliseconds.
///
/// Writing goes through the whole number of milliseconds, so a time that was
/// read back from its text writes the same text again: stored entries
/// re-encode to their exact bytes.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        let millis = date.millis
        let (seconds, milli) = millis.floorDivided(by: 1000)
        let (days, secondOfDay) = seconds.floorDivided(by: 86400)
        let (year, month, day) = civilDate(daysSince1970: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(milli, 3))Z"
    }

    /// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`), proleptic Gregorian.
    static func civilDate(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses times with or without fractional seconds and with any offset,
    /// to the millisecond (the precision times are written with).
    public static func parse(_ text: String) -> Date? {
        let parsed = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
        return parsed.map { Date(millis: $0.millis)! }
    }
}

extension Int64 {
    /// Quotient rounded towards minus infinity, and a non-negative remainder.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = self / divisor - ((self % divisor < 0) ? 1 : 0)
        return (quotient, self - quotient * divisor)
    }
}
