/// The top SKUs a customer has not bought yet: item-to-item co-purchase
/// (Linden, Smith & York 2003, "Amazon.com recommendations"), each candidate
/// scored by the sum of its similarities to what the customer bought, then
/// the store's best sellers for the places co-purchase leaves empty (a new
/// customer gets those alone).
///
/// Pure: built from ``CoPurchaseCounts`` and per-store popularity, it
/// answers for one customer in the time it takes to walk their SKUs'
/// neighbour lists, so the hub can recompute a customer the moment they buy.
public struct Recommender: Sendable {
    public let skus: [String]
    /// Each SKU's neighbours, by number (``CoPurchaseCounts/neighbours(limit:minimumTogether:)``).
    public let neighbours: [[ItemNeighbour]]
    /// Best sellers (most customers) per store, best first; key "" for the whole chain.
    public let popular: [String: [Int32]]

    public init(skus: [String], neighbours: [[ItemNeighbour]], popular: [String: [Int32]]) {
        precondition(skus.count == neighbours.count)
        self.skus = skus
        self.neighbours = neighbours
        self.popular = popular
    }

    /// From the counts, with the chain's and each store's best sellers
    /// (`storeBuyers`: customers per SKU number in each store).
    public init(counts: CoPurchaseCounts, storeBuyers: [String: [Int32: Int]], neighbourLimit: Int = 50, popularLimit: Int = 100) {
        func ranking(_ buyers: [(Int32, Int)]) -> [Int32] {
            buyers.filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(popularLimit).map(\.0)
        }
        var popular = storeBuyers.mapValues { ranking(Array($0)) }
        popular[""] = ranking(counts.buyers.enumerated().map { (Int32($0.offset), Int($0.element)) })
        self.init(skus: counts.skus, neighbours: counts.neighbours(limit: neighbourLimit), popular: popular)
    }

    /// Up to `limit` SKU numbers for a customer who bought `bought`, best
    /// first, never one they bought, only ones `allowed` admits (a store's
    /// stock list) when given. `store` picks the best sellers that fill the
    /// list (the chain's when the store has none).
    public func recommend(bought: Set<Int32>, store: String?, limit: Int = 10, allowed: ((Int32) -> Bool)? = nil) -> [Int32] {
        var scores: [Int32: Double] = [:]
        for item in bought where Int(item) < neighbours.count {
            for neighbour in neighbours[Int(item)] where !bought.contains(neighbour.item) {
                scores[neighbour.item, default: 0] += neighbour.score
            }
        }
        var result = scores.filter { allowed?($0.key) ?? true }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(limit).map(\.key)
        if result.count < limit {
            var chosen = Set(result)
            let fill = (store.flatMap { popular[$0] } ?? []) + (popular[""] ?? [])
            for item in fill where result.count < limit && !bought.contains(item) && !chosen.contains(item) && (allowed?(item) ?? true) {
                result.append(item)
                chosen.insert(item)
            }
        }
        return result
    }

    /// The chain's (or the store's) best sellers the customer has not
    /// bought: the baseline co-purchase must beat.
    public func popularity(bought: Set<Int32>, store: String?, limit: Int = 10) -> [Int32] {
        let ranking = store.flatMap { popular[$0] } ?? popular[""] ?? []
        return Array(ranking.lazy.filter { !bought.contains($0) }.prefix(limit))
    }

    /// The SKUs of `numbers`.
    public func names(_ numbers: [Int32]) -> [String] {
        numbers.map { skus[Int($0)] }
    }
}
