public import Foundation

/// The reference implementations the insight tests compare against
/// (`lifetimes`, scikit-learn), run by `scripts/python-reference` in a
/// virtualenv it installs from PyPI on first use.
public enum PythonReference {
    /// The repository this file is in.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `reference.py` with `arguments` through `script` (this
    /// repository's `scripts/python-reference` unless given) and decodes its
    /// JSON answer.
    public static func run<Answer: Decodable>(_ arguments: [String], as type: Answer.Type, script: URL? = nil) async throws -> Answer {
        let script = script ?? repository.appendingPathComponent("scripts/python-reference")
        let result = try await ProcessRunner.run(script, arguments)
        guard result.status == 0 else {
            throw TestSupportError("scripts/python-reference \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr.suffix(2_000))")
        }
        return try JSONDecoder().decode(Answer.self, from: Data(result.stdout.utf8))
    }
}
