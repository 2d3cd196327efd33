/// How personal data is shown when it is not explicitly revealed.
///
/// Enough stays visible for a cashier or support engineer to recognise a
/// customer they are talking to (an initial, the email domain, the last digits)
/// and not enough to harvest contact details from a screen or a log file.
public enum PersonalDataMask {
    /// `Jane Doe` → `J*** D***`.
    public static func name(_ value: String) -> String {
        value.split(separator: " ").map { word in
            word.first.map { "\($0)***" } ?? ""
        }.joined(separator: " ")
    }

    /// `jane.doe@example.com` → `j***@example.com`.
    public static func email(_ value: String) -> String {
        guard let at = value.firstIndex(of: "@"), let first = value.first else { return "***" }
        return "\(first)***\(value[at...])"
    }

    /// `+33612345678` → `+*********78`.
    public static func phone(_ value: String) -> String {
        let kept = value.suffix(2)
        let hidden = String(repeating: "*", count: max(0, value.count - 2 - (value.hasPrefix("+") ? 1 : 0)))
        return (value.hasPrefix("+") ? "+" : "") + hidden + kept
    }

    /// Birthdays are hidden entirely: `****-**-**`.
    public static func birthday(_: String) -> String { "****-**-**" }

    /// Masks a value of `field`; fields that are not personal are returned as is.
    public static func mask(_ value: String, as field: ProfileField) -> String {
        switch field {
        case .name: name(value)
        case .email: email(value)
        case .phone: phone(value)
        case .birthday: birthday(value)
        case .language, .tier, .segment, .lifecycle: value
        }
    }
}
