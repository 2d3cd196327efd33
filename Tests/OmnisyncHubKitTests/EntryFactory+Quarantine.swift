import OmnisyncCore
import OmnisyncTestSupport

extension EntryFactory {
    /// A sale earning more points than its store's policy gives (a tampered
    /// terminal, or one offline across a policy change): the hub quarantines it.
    mutating func overEarningSale(customer: CustomerID, points: Int64) -> JournalEntry {
        let total = Money(amount: 1000, currency: Currency(rawValue: "EUR")!)
        return entry(.sale(SaleEvent(
            customer: customer, card: nil, enrolled: false, lines: [SaleLine(sku: "X", quantity: 1, unitPrice: total)], total: total,
            receipt: nil, pointsEarned: points, pointsRedeemed: 0
        )))
    }
}
