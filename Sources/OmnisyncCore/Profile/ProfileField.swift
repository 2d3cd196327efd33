/// A scalar field of a customer profile, merged last-writer-wins.
public enum ProfileField: String, CaseIterable, Codable, Hashable, Comparable, Sendable, CodingKeyRepresentable {
    case name, email, phone, birthday, language
    /// Derived at the hub from purchase history; terminals read, never write.
    case tier, segment, lifecycle

    /// The fields point-of-sale software may set with a `profile` entry.
    public static let editable: [ProfileField] = [.name, .email, .phone, .birthday, .language]

    /// Fields that identify a person: masked on screens and in logs, removed on erasure.
    public var isPersonal: Bool {
        switch self {
        case .name, .email, .phone, .birthday: true
        case .language, .tier, .segment, .lifecycle: false
        }
    }

    /// Validates and normalises a value an integrator sent for this field.
    ///
    /// Names are trimmed, emails trimmed and lower-cased, phones stripped of
    /// spaces, dashes, dots and brackets; birthdays must be real calendar dates.
    /// (Full data cleaning, E.164 with a default country, happens at the hub.)
    public func normalise(_ raw: String) -> Result<String, DecodingProblem> {
        let value = raw.trimmingWhitespace()
        func problem(_ reason: String) -> Result<String, DecodingProblem> {
            .failure(DecodingProblem(field: "set.\(rawValue)", reason: reason))
        }
        if value.isEmpty { return problem("must not be empty (send null to clear the field)") }
        switch self {
        case .name:
            return value.count <= 200 ? .success(value) : problem("longer than 200 characters")
        case .email:
            let lowered = value.lowercased()
            let parts = lowered.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
                !parts[1].hasSuffix("."), lowered.count <= 254, !lowered.contains(" ")
            else { return problem("not an email address") }
            return .success(lowered)
        case .phone:
            let stripped = value.filter { !" -.()".contains($0) }
            let digits = stripped.hasPrefix("+") ? stripped.dropFirst() : Substring(stripped)
            guard (6...15).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else {
                return problem("not a phone number (6 to 15 digits, optionally starting with +)")
            }
            return .success(stripped)
        case .birthday:
            return CalendarDate(value) != nil ? .success(value) : problem("expected a date YYYY-MM-DD")
        case .language:
            let subtags = value.split(separator: "-", omittingEmptySubsequences: false)
            guard let primary = subtags.first, (2...3).contains(primary.count),
                primary.allSatisfy({ $0.isASCIILetter }),
                subtags.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit } })
            else { return problem("expected a language tag such as \"fr\" or \"pt-BR\"") }
            return .success(value)
        case .tier, .segment, .lifecycle:
            return problem("is computed by the hub and cannot be set")
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    // A String-backed enum otherwise hashes and compares its raw string (the
    // RawRepresentable defaults); fields key every profile's dictionaries, so
    // hash the case instead.
    private var ordinal: Int {
        switch self {
        case .name: 0
        case .email: 1
        case .phone: 2
        case .birthday: 3
        case .language: 4
        case .tier: 5
        case .segment: 6
        case .lifecycle: 7
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.ordinal == rhs.ordinal }

    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

/// A calendar date `YYYY-MM-DD`, validated without a calendar library.
struct CalendarDate {
    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            year >= 1900, (1...12).contains(month), day >= 1
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= days[month - 1] else { return nil }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}

extension String {
    /// The string without leading and trailing whitespace (and newlines),
    /// without Foundation.
    public func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
