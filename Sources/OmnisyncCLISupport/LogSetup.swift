public import Foundation
public import Logging

/// Sets up swift-log for a command: structured lines on standard error, at
/// `defaultLevel` unless `OMNISYNC_LOG_LEVEL` says otherwise.
///
/// The code never logs personal data (names, emails, phones); card numbers
/// print masked. So the log can be shared with support as it is.
public enum LogSetup {
    public static func bootstrap(defaultLevel: Logger.Level, environment: [String: String]) {
        let level = environment["OMNISYNC_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? defaultLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// `$OMNISYNC_LOG_LEVEL`, else `setting` (the settings' `logLevel`), else info.
    public static func level(
        setting: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SettingsError) -> Logger.Level {
        guard let text = environment["OMNISYNC_LOG_LEVEL"] ?? setting else { return .info }
        guard let level = Logger.Level(rawValue: text) else {
            throw SettingsError("log level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
        }
        return level
    }
}
