/// A phone number in E.164 form (`+33612345678`), as the chain matches
/// customers by.
///
/// A cashier types `06 12 34 56 78`, the web shop stores `+33 6 12-34-56-78`:
/// the same number, which must find the same customer. Separators (spaces,
/// dots, hyphens, slashes, parentheses) are dropped; `00` before a country
/// code is read as `+`; a number written nationally takes the chain's default
/// country calling code (a setting of the hub, `policy set
/// --phone-country-code`), with its national trunk prefix (`0`, or `1` for
/// the North American plan) dropped, except in Italy (`39`), where the
/// leading zero is part of the number. What is not a number (letters, an
/// extension, too few or too many digits, a national number with no default
/// country) is refused rather than guessed at.
///
/// This is not a numbering-plan database: it does not know which ranges a
/// country assigns, only the shape E.164 gives every number (a country code
/// not starting with 0, at most 15 digits in all).
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// `+` and 8 to 15 digits.
    public let value: String

    /// The fewest digits accepted in all (country code included): fewer is
    /// a short code or a typo, not a customer's number.
    static let minimumDigits = 8

    /// Normalises `text`, reading a national number in `defaultCallingCode`
    /// (digits, e.g. `"33"`; nil when the chain has none); nil when it is not
    /// a usable number.
    public init?(normalizing text: String, defaultCallingCode: String?) {
        var digits = ""
        var international = false
        for (offset, character) in text.trimmingWhitespace().enumerated() {
            switch character {
            case "+" where offset == 0:
                international = true
            case "0"..."9":
                digits.append(character)
            case " ", "\u{00A0}", ".", "-", "/", "(", ")":
                continue
            default:
                return nil
            }
        }
        if !international, digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }
        if !international {
            guard let code = defaultCallingCode, Self.isCallingCode(code) else { return nil }
            digits = code + Self.droppingTrunkPrefix(digits, callingCode: code)
        }
        guard digits.first != "0", (Self.minimumDigits...15).contains(digits.count) else { return nil }
        value = "+" + digits
    }

    public var description: String { value }

    /// 1 to 3 digits, not starting with 0.
    public static func isCallingCode(_ code: String) -> Bool {
        (1...3).contains(code.count) && code.first != "0" && code.allSatisfy { ("0"..."9").contains($0) }
    }

    private static func droppingTrunkPrefix(_ national: String, callingCode: String) -> String {
        switch callingCode {
        case "39":
            return national
        case "1":
            return national.count == 11 && national.hasPrefix("1") ? String(national.dropFirst()) : national
        default:
            return national.hasPrefix("0") ? String(national.dropFirst()) : national
        }
    }
}
