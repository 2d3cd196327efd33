import Foundation

/// Why an import file (a catalogue, a price list) was refused: the line, and
/// what is wrong with it.
public struct ImportFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based; nil when the file as a whole is wrong.
    public var line: Int?
    public var message: String

    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
