public import Foundation

/// One keyed row of a price list, as the hub stores it and sends it to the
/// tills: a rule, a store's region, or a SKU's category.
///
/// The key names what a later row would replace (the base price of a SKU in a
/// currency, a store's override of it, a promotion by id...), so a new import
/// is compared with the stored list row by row and only what changed travels.
public enum PriceListEntry: Sendable, Hashable {
    case rule(PriceRule)
    case region(store: StoreID, region: String)
    case category(sku: String, category: String)

    /// What this row replaces when listed again.
    public var key: String {
        switch self {
        case .rule(.base(let sku, let price)): "base \(sku) \(price.currency)"
        case .rule(.override(let sku, .store(let store), let price)): "override \(sku) store \(store) \(price.currency)"
        case .rule(.override(let sku, .region(let region), let price)): "override \(sku) region \(region) \(price.currency)"
        case .rule(.member(let sku, let tier, let price)): "member \(sku) \(tier) \(price.currency)"
        case .rule(.promotion(let promotion)): "promotion \(promotion.id)"
        case .region(let store, _): "region \(store)"
        case .category(let sku, _): "category \(sku)"
        }
    }
}

extension PriceList {
    /// The list as keyed rows.
    public var entries: [PriceListEntry] {
        rules.map(PriceListEntry.rule)
            + regions.sorted { $0.key.rawValue < $1.key.rawValue }.map { PriceListEntry.region(store: $0.key, region: $0.value) }
            + categories.sorted { $0.key < $1.key }.map { PriceListEntry.category(sku: $0.key, category: $0.value) }
    }

    /// The list these rows make.
    public init(entries: some Sequence<PriceListEntry>) {
        var rules: [PriceRule] = []
        var regions: [StoreID: String] = [:]
        var categories: [String: String] = [:]
        for entry in entries {
            switch entry {
            case .rule(let rule): rules.append(rule)
            case .region(let store, let region): regions[store] = region
            case .category(let sku, let category): categories[sku] = category
            }
        }
        self.init(rules: rules, regions: regions, categories: categories)
    }
}

extension PriceListEntry: Codable {
    enum CodingKeys: String, CodingKey {
        case type, sku, price, store, region, tier, category, promotion, percent, amountOff, starts, ends, stores
    }

    /// `{"type":"base","sku":"SHOE-42","price":{"amount":8999,"currency":"EUR"}}`, the
    /// price file's names with money as on the wire and percentages in hundredths.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .rule(.base(let sku, let price)):
            try container.encode("base", forKey: .type)
            try container.encode(sku, forKey: .sku)
            try container.encode(price, forKey: .price)
        case .rule(.override(let sku, let scope, let price)):
            try container.encode("override", forKey: .type)
            try container.encode(sku, forKey: .sku)
            try container.encode(price, forKey: .price)
            switch scope {
            case .store(let store): try container.encode(store, forKey: .store)
            case .region(let region): try container.encode(region, forKey: .region)
            }
        case .rule(.member(let sku, let tier, let price)):
            try container.encode("member", forKey: .type)
            try container.encode(sku, forKey: .sku)
            try container.encode(tier, forKey: .tier)
            try container.encode(price, forKey: .price)
        case .rule(.promotion(let promotion)):
            try container.encode("promotion", forKey: .type)
            try container.encode(promotion.id, forKey: .promotion)
            switch promotion.target {
            case .sku(let sku): try container.encode(sku, forKey: .sku)
            case .category(let category): try container.encode(category, forKey: .category)
            }
            switch promotion.discount {
            case .percent(let basisPoints): try container.encode(basisPoints, forKey: .percent)
            case .amountOff(let amount): try container.encode(amount, forKey: .amountOff)
            }
            try container.encode(RFC3339.format(promotion.starts), forKey: .starts)
            try container.encode(RFC3339.format(promotion.ends), forKey: .ends)
            if let stores = promotion.stores {
                try container.encode(stores.map(\.rawValue).sorted(), forKey: .stores)
            }
        case .region(let store, let region):
            try container.encode("region", forKey: .type)
            try container.encode(store, forKey: .store)
            try container.encode(region, forKey: .region)
        case .category(let sku, let category):
            try container.encode("category", forKey: .type)
            try container.encode(sku, forKey: .sku)
            try container.encode(category, forKey: .category)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        func time(_ key: CodingKeys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        switch type {
        case "base":
            self = .rule(.base(sku: try container.decode(String.self, forKey: .sku), price: try container.decode(Money.self, forKey: .price)))
        case "override":
            let scope: PriceRule.OverrideScope
            if let store = try container.decodeIfPresent(StoreID.self, forKey: .store) {
                scope = .store(store)
            } else {
                scope = .region(try container.decode(String.self, forKey: .region))
            }
            self = .rule(.override(sku: try container.decode(String.self, forKey: .sku), scope: scope, price: try container.decode(Money.self, forKey: .price)))
        case "member":
            self = .rule(.member(
                sku: try container.decode(String.self, forKey: .sku), tier: try container.decode(String.self, forKey: .tier),
                price: try container.decode(Money.self, forKey: .price)
            ))
        case "promotion":
            let target: Promotion.Target
            if let sku = try container.decodeIfPresent(String.self, forKey: .sku) {
                target = .sku(sku)
            } else {
                target = .category(try container.decode(String.self, forKey: .category))
            }
            let discount: Promotion.Discount
            if let basisPoints = try container.decodeIfPresent(Int64.self, forKey: .percent) {
                discount = .percent(basisPoints: basisPoints)
            } else {
                discount = .amountOff(try container.decode(Money.self, forKey: .amountOff))
            }
            let stores = try container.decodeIfPresent([StoreID].self, forKey: .stores).map(Set.init)
            self = .rule(.promotion(Promotion(
                id: try container.decode(String.self, forKey: .promotion), target: target, discount: discount,
                starts: try time(.starts), ends: try time(.ends), stores: stores
            )))
        case "region":
            self = .region(store: try container.decode(StoreID.self, forKey: .store), region: try container.decode(String.self, forKey: .region))
        case "category":
            self = .category(sku: try container.decode(String.self, forKey: .sku), category: try container.decode(String.self, forKey: .category))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown price list row type \(type)")
        }
    }
}
