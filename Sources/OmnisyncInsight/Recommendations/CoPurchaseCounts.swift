/// How many customers bought each SKU, and each pair of SKUs: the counts
/// item-to-item recommendations are made of.
///
/// A customer counts once per SKU and once per pair, however often they
/// bought them, so a loyal buyer of two things does not outweigh the
/// chain. Counts grow as customers buy something new (``record(had:bought:)``):
/// one order costs its new SKUs times what the customer had, no rescan.
/// SKUs are interned to dense numbers, pairs keyed by both numbers in one
/// 64-bit key, so millions of pairs stay compact.
public struct CoPurchaseCounts: Sendable {
    public private(set) var skus: [String] = []
    private var numbers: [String: Int32] = [:]
    /// Customers who bought each SKU, by number.
    public private(set) var buyers: [Int32] = []
    /// Customers who bought both, keyed by ``pairKey(_:_:)``.
    public private(set) var pairs: [UInt64: Int32] = [:]

    public init() {}

    /// The SKU's number, made on first sight.
    public mutating func number(of sku: String) -> Int32 {
        if let number = numbers[sku] { return number }
        let number = Int32(skus.count)
        skus.append(sku)
        numbers[sku] = number
        buyers.append(0)
        return number
    }

    /// The SKU's number if it was ever bought.
    public func existingNumber(of sku: String) -> Int32? {
        numbers[sku]
    }

    /// A customer who had bought `had` now bought `bought` too: each SKU new
    /// to them gains a buyer, and each pair it makes with what they had (and
    /// with the other new ones) gains one.
    public mutating func record(had: Set<Int32>, bought: Set<Int32>) {
        let new = bought.subtracting(had)
        guard !new.isEmpty else { return }
        for item in new { buyers[Int(item)] += 1 }
        for item in new {
            for other in had { pairs[Self.pairKey(item, other), default: 0] += 1 }
        }
        let fresh = Array(new)
        for i in fresh.indices {
            for j in fresh.indices where j > i { pairs[Self.pairKey(fresh[i], fresh[j]), default: 0] += 1 }
        }
    }

    /// Customers who bought both `a` and `b`.
    public func together(_ a: Int32, _ b: Int32) -> Int32 {
        a == b ? buyers[Int(a)] : pairs[Self.pairKey(a, b)] ?? 0
    }

    /// One key for the unordered pair {a, b}.
    public static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        let (low, high) = a < b ? (a, b) : (b, a)
        return UInt64(UInt32(bitPattern: low)) << 32 | UInt64(UInt32(bitPattern: high))
    }

    static func unpack(_ key: UInt64) -> (Int32, Int32) {
        (Int32(bitPattern: UInt32(key >> 32)), Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)))
    }

    /// Each SKU's most similar SKUs, best first, at most `limit` each:
    /// cosine similarity over buyers, together / √(buyers(a) · buyers(b)),
    /// kept when at least `minimumTogether` customers bought both (one
    /// shared customer is chance, not a pattern).
    public func neighbours(limit: Int = 50, minimumTogether: Int32 = 2) -> [[ItemNeighbour]] {
        var lists = [[ItemNeighbour]](repeating: [], count: skus.count)
        for (key, count) in pairs where count >= minimumTogether {
            let (a, b) = Self.unpack(key)
            let score = Double(count) / (Double(buyers[Int(a)]) * Double(buyers[Int(b)])).squareRoot()
            lists[Int(a)].append(ItemNeighbour(item: b, score: score))
            lists[Int(b)].append(ItemNeighbour(item: a, score: score))
        }
        return lists.map { list in Array(list.sorted(by: ItemNeighbour.before).prefix(limit)) }
    }
}

/// A SKU similar to another, with its similarity.
public struct ItemNeighbour: Sendable, Hashable, Codable {
    public var item: Int32
    public var score: Double

    public init(item: Int32, score: Double) {
        self.item = item
        self.score = score
    }

    /// Higher score first; on a tie the lower number, so lists are the same on every run.
    static func before(_ x: ItemNeighbour, _ y: ItemNeighbour) -> Bool {
        x.score != y.score ? x.score > y.score : x.item < y.item
    }
}
