/// A loyalty card number: personal data, masked in logs and screens.
///
/// Cards are normalised when made: spaces and dashes a cashier may type are
/// removed and letters are upper-cased, so `1234 5678` and `12345678` are the
/// same card everywhere.
public struct CardNumber: ValidatedString, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 4 to 32 letters or digits once spaces and dashes are removed.
    public init?(rawValue: String) {
        let normalised = String(rawValue.filter { $0 != " " && $0 != "-" }).uppercased()
        guard (4...32).contains(normalised.utf8.count), normalised.utf8.allSatisfy(\.isASCIIAlphanumeric) else {
            return nil
        }
        self.rawValue = normalised
    }

    /// The card with all but its last four characters hidden: `****5678`.
    public var masked: String { "****" + rawValue.suffix(4) }

    /// Masked, so that a card number interpolated into a log line never leaks.
    public var description: String { masked }

    public static let invalidValueMessage = "invalid card number: use 4-32 letters or digits"
}
