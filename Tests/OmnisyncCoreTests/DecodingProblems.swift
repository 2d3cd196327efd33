import Foundation
@testable import OmnisyncCore

/// The one-line problem decoding `json` as `type` reports, or nil when it decodes.
func decodingProblem<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
    do {
        _ = try WireCoding.decode(type, from: Data(json.utf8))
        return nil
    } catch {
        return error.description
    }
}
