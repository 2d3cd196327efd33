public import Foundation
public import OmnisyncCore

/// Something point-of-sale software asks the agent to record.
public enum RecordRequest: Sendable, Hashable {
    case sale(SaleRequest)
    case `return`(ReturnRequest)
    case scan(ScanRequest)
    case profile(ProfileRequest)
    case feedback(FeedbackRequest)

    /// Decodes the JSON of `kind` as the data contract describes it, failing
    /// with one line naming the offending field.
    public static func decode(_ kind: JournalEvent.Kind, from json: Data) throws(AgentError) -> RecordRequest {
        do {
            switch kind {
            case .sale: return .sale(try WireCoding.decode(SaleRequest.self, from: json))
            case .return: return .return(try WireCoding.decode(ReturnRequest.self, from: json))
            case .scan: return .scan(try WireCoding.decode(ScanRequest.self, from: json))
            case .profile: return .profile(try WireCoding.decode(ProfileRequest.self, from: json))
            case .feedback: return .feedback(try WireCoding.decode(FeedbackRequest.self, from: json))
            }
        } catch {
            throw AgentError(.invalidInput, "invalid \(kind.rawValue): \(error.description)")
        }
    }
}
