public import ArgumentParser
import Configuration
public import Foundation
import OmnisyncCore
import SystemPackage

/// Settings that the command line does not give, from the environment and a
/// JSON file, in that order: **flags > environment > file > built-in default**.
///
/// The file is `--config FILE`, else `$OMNISYNC_<PROGRAM>_CONFIG`, else
/// `/etc/omnisync/<program>.json` if it exists (`hub/hub.example.json` and
/// `agent/agent.example.json` list every key). A key `dataDir` is the
/// environment variable `OMNISYNC_<PROGRAM>_DATA_DIR`, as swift-configuration
/// maps keys to variable names.
///
/// swift-configuration layers the two providers; this type first checks them
/// against the program's known settings, so a typo in a key, or a value of the
/// wrong type, stops the command with a message naming the file or variable
/// instead of being silently ignored.
public struct SettingsSource: Sendable {
    /// The type a setting's value must have.
    public enum Kind: Sendable {
        case string, int, double, bool, strings

        var noun: String {
            switch self {
            case .string: "a string"
            case .int: "a whole number"
            case .double: "a number"
            case .bool: "true or false"
            case .strings: "a list of strings"
            }
        }
    }

    private let reader: ConfigReader
    /// The file that was read, if any (for messages and `settings`).
    public let file: String?
    /// Where each setting that is set comes from: `$VARIABLE` or the file's path.
    public let origins: [String: String]

    private init(reader: ConfigReader, file: String?, origins: [String: String]) {
        self.reader = reader
        self.file = file
        self.origins = origins
    }

    /// Reads and checks the environment and the settings file of `program`.
    public static func load(
        program: String,
        file flag: String?,
        known: [String: Kind],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(SettingsError) -> SettingsSource {
        let prefix = "OMNISYNC_\(program.uppercased())_"
        var origins: [String: String] = [:]
        for (key, kind) in known {
            let variable = prefix + environmentName(key)
            guard let value = environment[variable] else { continue }
            guard Self.parses(value, as: kind) else {
                throw SettingsError("$\(variable) must be \(kind.noun), not '\(value)'")
            }
            origins[key] = "$\(variable)"
        }
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ConfigKey(["omnisync", program]))
        ]
        let explicit = flag ?? environment["\(prefix)CONFIG"]
        let path = explicit ?? "/etc/omnisync/\(program).json"
        var file: String?
        if FileManager.default.fileExists(atPath: path) {
            for key in try check(file: path, known: known) where origins[key] == nil {
                origins[key] = path
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
            } catch {
                throw SettingsError("cannot read the settings file \(path): \(error)")
            }
            file = path
        } else if let explicit {
            throw SettingsError("no settings file at \(explicit)")
        }
        return SettingsSource(reader: ConfigReader(providers: providers), file: file, origins: origins)
    }

    /// The value of `key` as text, for `settings` to print (lists comma-separated).
    public func text(_ key: String, kind: Kind) -> String? {
        switch kind {
        case .string: string(key)
        case .int: int(key).map(String.init)
        case .double: double(key).map { String($0) }
        case .bool: bool(key).map(String.init)
        case .strings: strings(key)?.joined(separator: ",")
        }
    }

    public func string(_ key: String) -> String? { reader.string(forKey: ConfigKey([key])) }
    public func int(_ key: String) -> Int? { reader.int(forKey: ConfigKey([key])) }
    public func double(_ key: String) -> Double? { reader.double(forKey: ConfigKey([key])) }
    public func bool(_ key: String) -> Bool? { reader.bool(forKey: ConfigKey([key])) }
    public func strings(_ key: String) -> [String]? { reader.stringArray(forKey: ConfigKey([key])) }

    /// `dataDir` -> `DATA_DIR`, the name swift-configuration looks up.
    static func environmentName(_ key: String) -> String {
        var name = ""
        var previousLowercase = false
        for character in key {
            if character.isUppercase && previousLowercase { name += "_" }
            name += character.isLetter || character.isNumber ? character.uppercased() : "_"
            previousLowercase = character.isLowercase
        }
        return name
    }

    private static func parses(_ text: String, as kind: Kind) -> Bool {
        switch kind {
        case .string, .strings: true
        case .int: Int(text) != nil
        case .double: Double(text) != nil
        case .bool: ["true", "false", "yes", "no", "1", "0"].contains(text.lowercased())
        }
    }

    private static func fits(_ value: JSONValue, _ kind: Kind) -> Bool {
        switch (kind, value) {
        case (.bool, .bool), (.int, .integer), (.double, .integer), (.double, .number), (.string, .string): true
        case (.strings, .array(let elements)): elements.allSatisfy { $0.stringValue != nil }
        default: false
        }
    }

    /// A JSON object of known keys with values of their kind; returns its keys.
    private static func check(file path: String, known: [String: Kind]) throws(SettingsError) -> [String] {
        let object: [String: JSONValue]
        do {
            object = try JSONDecoder().decode([String: JSONValue].self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as DecodingError {
            throw SettingsError("the settings file \(path) is not a JSON object of settings: \(error.localizedDescription)")
        } catch {
            throw SettingsError("cannot read the settings file \(path): \(error.localizedDescription)")
        }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let kind = known[key] else {
                throw SettingsError("unknown setting '\(key)' in \(path); known: \(known.keys.sorted().joined(separator: ", "))")
            }
            guard Self.fits(value, kind) else {
                throw SettingsError("setting '\(key)' in \(path) must be \(kind.noun)")
            }
        }
        return Array(object.keys)
    }
}

/// A settings file or variable that cannot be used: one line, exit code 2.
public struct SettingsError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
