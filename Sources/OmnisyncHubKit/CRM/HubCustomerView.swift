public import OmnisyncCore

/// The merged omnichannel view `omnisync-hub customers show` prints: the
/// replicated profile (as terminals print it) plus the hub-only activity.
public struct HubCustomerView: Sendable, Hashable, Encodable {
    public var profile: CustomerView
    /// Absent for an erased customer: no trace of their behaviour is shown.
    public var activity: CustomerActivity?
    /// What the customer buys most, by quantity (hub only; empty for an erased customer).
    public var topProducts: [ProductCount]

    public init(_ record: CustomerRecord, reveal: Bool, topProducts: [ProductCount] = []) {
        profile = CustomerView(record.state, reveal: reveal)
        activity = record.state.isErased ? nil : record.activity
        self.topProducts = record.state.isErased ? [] : topProducts
    }

    enum CodingKeys: String, CodingKey {
        case activity, topProducts
    }

    /// The activity object with `topProducts` among its keys: everything the
    /// hub alone knows stays under `activity`, so a till's view and the hub's
    /// differ by that key only.
    private struct ActivityWithProducts: Encodable {
        var activity: CustomerActivity
        var topProducts: [ProductCount]

        func encode(to encoder: any Encoder) throws {
            try activity.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(topProducts, forKey: .topProducts)
        }
    }

    /// The profile's keys and `activity`, side by side in one object.
    public func encode(to encoder: any Encoder) throws {
        try profile.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(activity.map { ActivityWithProducts(activity: $0, topProducts: topProducts) }, forKey: .activity)
    }
}

/// A SKU and how many of it a customer bought (net of returns).
public struct ProductCount: Sendable, Hashable, Codable {
    public var sku: String
    public var quantity: Int64

    public init(sku: String, quantity: Int64) {
        self.sku = sku
        self.quantity = quantity
    }
}
