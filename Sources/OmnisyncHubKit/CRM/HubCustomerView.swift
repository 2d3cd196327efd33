public import OmnisyncCore

/// The merged omnichannel view `omnisync-hub customers show` prints: the
/// replicated profile (as terminals print it) plus the hub-only activity.
public struct HubCustomerView: Sendable, Hashable, Encodable {
    public var profile: CustomerView
    /// Absent for an erased customer: no trace of their behaviour is shown.
    public var activity: CustomerActivity?
    /// What the customer buys most, by quantity (hub only; empty for an erased customer).
    public var topProducts: [ProductCount]
    /// The catalogue's categories they buy most, by quantity (hub only; empty for an erased customer).
    public var topCategories: [CategoryCount]

    public init(_ record: CustomerRecord, reveal: Bool, topProducts: [ProductCount] = [], topCategories: [CategoryCount] = []) {
        profile = CustomerView(record.state, reveal: reveal)
        activity = record.state.isErased ? nil : record.activity
        self.topProducts = record.state.isErased ? [] : topProducts
        self.topCategories = record.state.isErased ? [] : topCategories
    }

    /// The view of `record` with its top five products and categories, as
    /// `customers show` and the admin endpoint print it.
    public static func read(_ record: CustomerRecord, reveal: Bool, from store: some CustomerStore & CatalogStore) async throws(HubError) -> HubCustomerView {
        guard !record.state.isErased else { return HubCustomerView(record, reveal: reveal) }
        return HubCustomerView(
            record, reveal: reveal,
            topProducts: try await store.topProducts(of: record.state.id, limit: 5),
            topCategories: try await store.topCategories(of: record.state.id, limit: 5)
        )
    }

    enum CodingKeys: String, CodingKey {
        case activity, topProducts, topCategories
    }

    /// The activity object with `topProducts` and `topCategories` among its
    /// keys: everything the hub alone knows stays under `activity`, so a
    /// till's view and the hub's differ by that key only.
    private struct ActivityWithProducts: Encodable {
        var activity: CustomerActivity
        var topProducts: [ProductCount]
        var topCategories: [CategoryCount]

        func encode(to encoder: any Encoder) throws {
            try activity.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(topProducts, forKey: .topProducts)
            try container.encode(topCategories, forKey: .topCategories)
        }
    }

    /// The profile's keys and `activity`, side by side in one object.
    public func encode(to encoder: any Encoder) throws {
        try profile.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(
            activity.map { ActivityWithProducts(activity: $0, topProducts: topProducts, topCategories: topCategories) }, forKey: .activity
        )
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
