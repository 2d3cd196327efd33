import Foundation

/// What `omnisync-hub settings` and `omnisync-agent settings` print: every
/// setting the environment or the settings file gives, and where it comes
/// from, so support can tell which file a service really reads.
public enum SettingsReport {
    public static func print(_ settings: SettingsSource, known: [String: SettingsSource.Kind], json: Bool) throws {
        var rows: [(key: String, value: String, from: String)] = []
        for key in known.keys.sorted() {
            guard let kind = known[key], let value = settings.text(key, kind: kind), let origin = settings.origins[key] else { continue }
            rows.append((key, maskingPassword(value), origin))
        }
        if json {
            try Output.json(Report(
                file: settings.file,
                settings: Dictionary(uniqueKeysWithValues: rows.map { ($0.key, Report.Setting(value: $0.value, from: $0.from)) })
            ))
            return
        }
        Swift.print("settings file: \(settings.file ?? "none")")
        if rows.isEmpty {
            Swift.print("no setting from the environment or a file: flags and built-in defaults apply")
        } else {
            Output.table(headers: ["SETTING", "VALUE", "FROM"], rows: rows.map { [$0.key, $0.value, $0.from] })
        }
    }

    /// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
    static func maskingPassword(_ value: String) -> String {
        value.replacing(/^([a-z]+:\/\/[^:@\/]+):[^@\/]*@/) { "\($0.output.1):***@" }
    }

    struct Report: Encodable {
        struct Setting: Encodable {
            var value: String
            var from: String
        }

        var file: String?
        var settings: [String: Setting]

        enum CodingKeys: String, CodingKey { case file, settings }

        /// `file` is written as null when no file was read, as every `--json` does.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(settings, forKey: .settings)
        }
    }
}
