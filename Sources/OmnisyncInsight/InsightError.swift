/// Why a model could not be fitted or used, in words an operator can act on.
public struct InsightError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Too few customers, or none with a repeat purchase.
        case notEnoughData
        /// The optimiser stopped without reaching a maximum.
        case didNotConverge
        /// Inputs the model cannot read (a negative time, mismatched rows).
        case invalidInput
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
