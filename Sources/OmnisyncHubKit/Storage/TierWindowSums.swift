import OmnisyncCore

/// A customer's sums in the window.
struct TierWindowSums: Hashable, Sendable {
    var spend: [Currency: Int64] = [:]
    var orders: Int64 = 0

    /// Adds `count` orders totalling `total` (`sign` −1 takes them away):
    /// sales count and add their total, returns take theirs back.
    mutating func add(kind: String, currency: Currency, total: Int64, count: Int64 = 1, sign: Int64) {
        let sale = kind == "sale"
        spend[currency, default: 0] += sign * (sale ? total : -total)
        if spend[currency] == 0 { spend[currency] = nil }
        if sale { orders += sign * count }
    }

    /// The `window_spend` column: `EUR:1250,USD:-300`, currencies sorted; empty for none.
    var column: String {
        spend.sorted { $0.key < $1.key }.map { "\($0.key.rawValue):\($0.value)" }.joined(separator: ",")
    }

    init() {}

    init(column: String, orders: Int64) {
        for pair in column.split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let currency = Currency(rawValue: String(parts[0])), let amount = Int64(parts[1]) else { continue }
            spend[currency] = amount
        }
        self.orders = orders
    }
}
