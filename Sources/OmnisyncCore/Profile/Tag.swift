/// An interest or marketing tag on a customer (`running`, `vip-event-2026`).
///
/// Tags are trimmed and lower-cased so `Running ` and `running` are one tag.
public struct Tag: ValidatedString, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 1 to 64 characters after trimming; no control characters.
    public init?(rawValue: String) {
        let value = rawValue.trimmingWhitespace().lowercased()
        guard (1...64).contains(value.count), !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        self.rawValue = value
    }

    public var description: String { rawValue }

    public static let invalidValueMessage = "a tag must be 1-64 printable characters"
}
