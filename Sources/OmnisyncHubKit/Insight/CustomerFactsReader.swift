import OmnisyncCore

/// Folds the sale lines a backend streams, ordered by customer then time,
/// into ``CustomerFactsTable``: the part of reading the facts both backends
/// share (they differ only in the SQL that streams the rows).
struct CustomerFactsReader {
    private let mainCurrency: String
    private var skuNumbers: [String: Int32] = [:]
    private var skus: [String] = []
    private var current: CustomerFacts.Accumulator?
    private var customers: [CustomerFacts] = []

    init(mainCurrency: String) {
        self.mainCurrency = mainCurrency
    }

    /// The columns every backend selects, in this order.
    static let columns = "o.id, o.customer, o.at_ms, o.channel, o.store, o.total, o.currency, l.sku, l.quantity, p.category"

    /// The rows: sale lines of known customers with their order's columns and
    /// the SKU's category, by customer and time. `filter` restricts the
    /// customers (the incremental pass's), or is empty.
    static func query(filter: String) -> String {
        """
        SELECT \(columns)
        FROM orders o JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.sku = l.sku
        WHERE o.kind = 'sale' AND o.customer IS NOT NULL \(filter)
        ORDER BY o.customer, o.at_ms, o.id, l.line
        """
    }

    mutating func add(
        order: Int64, customer: String, atMillis: Int64, channel: String, store: String?, total: Int64, currency: String, sku: String, quantity: Int64,
        category: String?
    ) throws(HubError) {
        if current?.customer.rawValue != customer {
            finishCustomer()
            guard let id = CustomerID(rawValue: customer) else {
                throw HubError(.storage, "an order names customer '\(customer.prefix(40))', not a customer id; the hub's database is damaged")
            }
            current = CustomerFacts.Accumulator(customer: id, mainCurrency: mainCurrency)
        }
        let number: Int32
        if let known = skuNumbers[sku] {
            number = known
        } else {
            number = Int32(skus.count)
            skus.append(sku)
            skuNumbers[sku] = number
        }
        current!.add(
            order: order, atMillis: atMillis, channel: channel, store: store, total: total, currency: currency, sku: number, quantity: quantity,
            category: category
        )
    }

    private mutating func finishCustomer() {
        if let current, !current.isEmpty { customers.append(current.facts()) }
        current = nil
    }

    mutating func table(watermark: Int64) -> CustomerFactsTable {
        finishCustomer()
        return CustomerFactsTable(customers: customers, skus: skus, currency: Currency(rawValue: mainCurrency), watermark: watermark)
    }
}
