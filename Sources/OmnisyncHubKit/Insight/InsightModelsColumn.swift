import Foundation
import OmnisyncCore

/// ``InsightModels`` as both backends store them: one JSON document.
enum InsightModelsColumn {
    static func encode(_ models: InsightModels) throws(HubError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(models), as: UTF8.self)
        } catch {
            throw HubError(.storage, "the fitted models cannot be written: \(error)")
        }
    }

    static func decode(_ text: String) throws(HubError) -> InsightModels {
        do {
            return try JSONDecoder().decode(InsightModels.self, from: Data(text.utf8))
        } catch {
            throw HubError(.storage, "the stored insight models are unreadable (\(error)); run `omnisync-hub insight refit` to fit them again")
        }
    }
}
