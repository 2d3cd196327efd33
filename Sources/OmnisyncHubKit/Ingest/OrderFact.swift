import OmnisyncCore

/// What a sale or a return says as an `orders` row, whichever backend
/// writes it: nil for a scan or a profile change, which are no purchase.
struct OrderFact {
    var kind: String
    var lines: [SaleLine]
    var total: Money
    var receipt: String?
    /// Points the sale earned; a return's are negative (those it took back).
    var earned: Int64
    var redeemed: Int64
    /// The campaign whose offer a sale used.
    var offer: CampaignID?

    init?(_ event: JournalEvent) {
        switch event {
        case .sale(let sale):
            (kind, lines, total, receipt, earned, redeemed) = ("sale", sale.lines, sale.total, sale.receipt, sale.pointsEarned, sale.pointsRedeemed)
            offer = sale.offer
        case .return(let ret):
            (kind, lines, total, receipt, earned, redeemed) = ("return", ret.lines, ret.total, ret.receipt, -ret.pointsReversed, 0)
        case .scan, .profile, .feedback:
            return nil
        }
    }
}
