public import OmnisyncCore

/// The merged omnichannel view `omnisync-hub customers show` prints: the
/// replicated profile (as terminals print it) plus the hub-only activity.
public struct HubCustomerView: Sendable, Hashable, Encodable {
    public var profile: CustomerView
    /// Absent for an erased customer: no trace of their behaviour is shown.
    public var activity: CustomerActivity?

    public init(_ record: CustomerRecord, reveal: Bool) {
        profile = CustomerView(record.state, reveal: reveal)
        activity = record.state.isErased ? nil : record.activity
    }

    enum CodingKeys: String, CodingKey {
        case activity
    }

    /// The profile's keys and `activity`, side by side in one object.
    public func encode(to encoder: any Encoder) throws {
        try profile.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(activity, forKey: .activity)
    }
}
