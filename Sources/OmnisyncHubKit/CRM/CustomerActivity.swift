public import Foundation
public import OmnisyncCore

/// The hub's projection of a customer's purchase behaviour across channels.
///
/// Hub-only: terminals do not replicate it. Updated as entries are stored; an
/// erased customer's activity is cleared with the rest of their data.
public struct CustomerActivity: Sendable, Hashable, Codable {
    /// Sales (orders) in any channel.
    public var orders: Int
    public var returns: Int
    /// Loyalty card presentations at terminals and kiosks.
    public var visits: Int
    public var firstPurchase: Date?
    public var lastPurchase: Date?
    public var lastSeen: Date?
    /// Orders per channel the customer bought in (`store`, later `web`).
    public var channelOrders: [String: Int]
    /// Orders per store the customer dealt with (0 for a store where they
    /// only showed their card or returned something).
    public var storeOrders: [StoreID: Int]
    /// Net spend per currency, in minor units (sales less returns).
    public var spend: [Currency: Int64]

    public init() {
        orders = 0
        returns = 0
        visits = 0
        channelOrders = [:]
        storeOrders = [:]
        spend = [:]
    }

    /// Channels the customer bought in.
    public var channels: Set<String> { Set(channelOrders.keys) }

    /// Net spend per currency divided by orders (rounded down): the average basket.
    public var averageBasket: [Currency: Int64] {
        guard orders > 0 else { return [:] }
        return spend.mapValues { $0 / Int64(orders) }
    }

    /// The store with the most orders (ties: the first by id); nil without one.
    public var preferredStore: StoreID? {
        storeOrders.filter { $0.value > 0 }.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }

    /// The channel with the most orders (ties: the first by name); nil without one.
    public var preferredChannel: String? {
        channelOrders.filter { $0.value > 0 }.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }
    /// Stores the customer dealt with.
    public var stores: Set<StoreID> { Set(storeOrders.keys) }

    /// Folds one entry at a terminal of `store` into the projection; throws,
    /// changing nothing, when the customer's spend would overflow.
    public mutating func apply(_ entry: JournalEntry, store: StoreID) throws(ApplyError) {
        let at = entry.recordedAt
        switch entry.event {
        case .sale(let sale):
            try addSpend(sale.total.amount, in: sale.total.currency)
            orders += 1
            channelOrders["store", default: 0] += 1
            storeOrders[store, default: 0] += 1
            firstPurchase = min(firstPurchase ?? at, at)
            lastPurchase = max(lastPurchase ?? at, at)
        case .return(let ret):
            try addSpend(-ret.total.amount, in: ret.total.currency)
            returns += 1
        case .scan:
            visits += 1
        case .profile, .feedback:
            break
        }
        if storeOrders[store] == nil { storeOrders[store] = 0 }
        lastSeen = max(lastSeen ?? at, at)
    }

    /// Folds an order of another channel (the web shop) into the projection;
    /// throws, changing nothing, when the customer's spend would overflow.
    public mutating func apply(online order: OnlineOrder) throws(ApplyError) {
        try addSpend(order.total.amount, in: order.total.currency)
        orders += 1
        channelOrders[order.channel, default: 0] += 1
        firstPurchase = min(firstPurchase ?? order.at, order.at)
        lastPurchase = max(lastPurchase ?? order.at, order.at)
        lastSeen = max(lastSeen ?? order.at, order.at)
    }

    private mutating func addSpend(_ amount: Int64, in currency: Currency) throws(ApplyError) {
        guard let sum = spend[currency, default: 0].checkedAdding(amount) else {
            throw ApplyError(.spendOverflow, "the customer's spend in \(currency) would overflow")
        }
        spend[currency] = sum
    }

    /// Adds another customer's activity (an identity merge).
    public mutating func absorb(_ other: CustomerActivity) {
        orders += other.orders
        returns += other.returns
        visits += other.visits
        firstPurchase = [firstPurchase, other.firstPurchase].compactMap { $0 }.min()
        lastPurchase = [lastPurchase, other.lastPurchase].compactMap { $0 }.max()
        lastSeen = [lastSeen, other.lastSeen].compactMap { $0 }.max()
        channelOrders.merge(other.channelOrders, uniquingKeysWith: +)
        storeOrders.merge(other.storeOrders, uniquingKeysWith: +)
        spend.merge(other.spend) { $0.saturatingAdding($1) }
    }

    enum CodingKeys: String, CodingKey {
        case orders, returns, visits, firstPurchase, lastPurchase, lastSeen, channels, stores, spend, ordersByChannel, ordersByStore
        case averageBasket, preferredStore, preferredChannel
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orders, forKey: .orders)
        try container.encode(returns, forKey: .returns)
        try container.encode(visits, forKey: .visits)
        try container.encode(firstPurchase, forKey: .firstPurchase)
        try container.encode(lastPurchase, forKey: .lastPurchase)
        try container.encode(lastSeen, forKey: .lastSeen)
        try container.encode(channels.sorted(), forKey: .channels)
        try container.encode(stores.sorted(), forKey: .stores)
        // A list of money values, as the contract shows spend.
        try container.encode(spend.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key) }, forKey: .spend)
        try container.encode(channelOrders, forKey: .ordersByChannel)
        try container.encode(Dictionary(uniqueKeysWithValues: storeOrders.map { ($0.key.rawValue, $0.value) }), forKey: .ordersByStore)
        try container.encode(averageBasket.sorted { $0.key < $1.key }.map { Money(amount: $0.value, currency: $0.key) }, forKey: .averageBasket)
        try container.encode(preferredStore, forKey: .preferredStore)
        try container.encode(preferredChannel, forKey: .preferredChannel)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orders = try container.decode(Int.self, forKey: .orders)
        returns = try container.decode(Int.self, forKey: .returns)
        visits = try container.decode(Int.self, forKey: .visits)
        firstPurchase = try container.decodeIfPresent(Date.self, forKey: .firstPurchase)
        lastPurchase = try container.decodeIfPresent(Date.self, forKey: .lastPurchase)
        lastSeen = try container.decodeIfPresent(Date.self, forKey: .lastSeen)
        // Written before the per-channel and per-store counts existed: the sets alone.
        channelOrders = try container.decodeIfPresent([String: Int].self, forKey: .ordersByChannel)
            ?? Dictionary(uniqueKeysWithValues: try container.decode([String].self, forKey: .channels).map { ($0, 0) })
        storeOrders = try container.decodeIfPresent([StoreID: Int].self, forKey: .ordersByStore)
            ?? Dictionary(uniqueKeysWithValues: try container.decode([StoreID].self, forKey: .stores).map { ($0, 0) })
        spend = Dictionary(uniqueKeysWithValues: try container.decode([Money].self, forKey: .spend).map { ($0.currency, $0.amount) })
    }
}
