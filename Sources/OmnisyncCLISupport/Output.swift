public import Foundation
import OmnisyncCore

/// How the command-line tools print: JSON for scripts (`--json`), aligned
/// text for people, errors as one line on standard error.
public enum Output {
    /// Prints `value` as pretty, key-sorted JSON on standard output.
    public static func json(_ value: some Encodable) throws {
        let data = try WireCoding.encode(value, pretty: true)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Prints `label  value` lines with the values aligned.
    public static func fields(_ lines: [(String, String)]) {
        let width = (lines.map(\.0.count).max() ?? 0) + 2
        for (label, value) in lines {
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + value)
        }
    }

    /// Prints a table with a header row; columns are as wide as their widest cell.
    public static func table(headers: [String], rows: [[String]]) {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
            }.joined()
        }
        print(line(headers))
        for row in rows { print(line(row)) }
    }

    /// Writes one line to standard output at once, unbuffered, for lines
    /// another program waits for.
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes one line to standard error.
    public static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// True when standard error is a terminal, where progress is drawn.
    public static var showsProgress: Bool { isatty(STDERR_FILENO) == 1 }

    /// Redraws a one-line progress indicator on standard error.
    public static func progress(_ text: String) {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    /// Ends a progress line so later output starts on a fresh line.
    public static func endProgress() {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// `2026-11-23T10:42:00.000Z (3m 12s ago)`, or `never`.
    public static func moment(_ date: Date?, now: Date = Date()) -> String {
        guard let date else { return "never" }
        return "\(RFC3339.format(date)) (\(age(now.timeIntervalSince(date))) ago)"
    }

    /// A duration in the largest two units: `45s`, `3m 12s`, `2h 5m`, `4d 3h`.
    public static func age(_ seconds: Double) -> String {
        let total = Int(max(0, seconds).rounded(.down))
        let (days, hours, minutes, secs) = (total / 86400, total % 86400 / 3600, total % 3600 / 60, total % 60)
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(secs)s" }
        return "\(secs)s"
    }
}
