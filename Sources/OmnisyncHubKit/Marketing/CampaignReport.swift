public import Foundation
public import OmnisyncCore

/// What `omnisync-hub campaigns report ID` prints: the treated group against
/// the holdout over the campaign's window, overall and by channel and store,
/// with what the offers cost and the revenue they added.
///
/// Every member counts, buyers or not (spend per customer is over the whole
/// group), through identity merges; amounts are in the currency most of the
/// members' purchases in the window used (`currency`); purchases in another
/// are left out and counted (`otherCurrencyOrders`).
public struct CampaignReport: Sendable, Encodable {
    public var campaign: CampaignSummary
    public var currency: Currency?
    public var from: Date
    public var until: Date
    public var overall: Comparison
    public var byChannel: [String: Comparison]
    public var byStore: [String: Comparison]
    /// The discounts the sales that used the offer were given (worked out
    /// from their lines: a percentage off the lines it covers, or the amount).
    public var cost: Money?
    /// Spend-per-customer uplift times the treated group's size.
    public var incrementalRevenue: Money?
    public var otherCurrencyOrders: Int

    /// Two groups' figures and the uplift between them.
    public struct Comparison: Sendable, Encodable {
        public var treated: Figures
        public var holdout: Figures
        public var conversionUplift: Uplift.Estimate?
        public var spendUplift: Uplift.Estimate?
    }

    public struct Figures: Sendable, Encodable {
        public var customers: Int
        public var converted: Int
        public var conversionRate: Double
        /// Minor units of `currency`.
        public var spendPerCustomer: Double
        public var redemptions: Int
    }

    /// One member's purchases in one channel and store during the window
    /// (channel and store nil for a member who bought nothing).
    struct MemberRow {
        var customer: String
        var holdout: Bool
        var channel: String?
        var store: String?
        var purchases: Int
        /// Sales less returns, in minor units.
        var spend: Int64
        var redemptions: Int
    }

    /// A sale that used the offer, with the lines the discount is worked out from.
    struct Redemption {
        var total: Money
        var lines: [SaleLine]
    }

    static func make(_ summary: CampaignSummary, currency: Currency?, rows: [MemberRow], redemptions: [Redemption], otherCurrencyOrders: Int) -> CampaignReport {
        let campaign = summary.campaign
        var allMembers: [String: Bool] = [:]
        for row in rows { allMembers[row.customer] = row.holdout }
        func comparison(_ rows: [MemberRow]) -> Comparison {
            // Every member appears once per scope; those without a row spent nothing.
            var members: [String: (holdout: Bool, spend: Int64, purchases: Int, redemptions: Int)] = [:]
            for row in allMembers { members[row.key] = (row.value, 0, 0, 0) }
            for row in rows {
                members[row.customer]?.spend += row.spend
                members[row.customer]?.purchases += row.purchases
                members[row.customer]?.redemptions += row.redemptions
            }
            func figures(_ holdout: Bool) -> (Figures, Uplift.Group) {
                let group = members.values.filter { $0.holdout == holdout }
                let spends = group.map { Double($0.spend) }
                let uplift = Uplift.Group(
                    customers: group.count, converted: group.count(where: { $0.purchases > 0 }), spend: spends.reduce(0, +),
                    spendSquares: spends.reduce(0) { $0 + $1 * $1 }
                )
                let figures = Figures(
                    customers: uplift.customers, converted: uplift.converted, conversionRate: uplift.conversionRate,
                    spendPerCustomer: uplift.spendPerCustomer, redemptions: group.reduce(0) { $0 + $1.redemptions }
                )
                return (figures, uplift)
            }
            let (treated, treatedGroup) = figures(false)
            let (holdout, holdoutGroup) = figures(true)
            return Comparison(
                treated: treated, holdout: holdout, conversionUplift: Uplift.conversion(treated: treatedGroup, holdout: holdoutGroup),
                spendUplift: Uplift.spendPerCustomer(treated: treatedGroup, holdout: holdoutGroup)
            )
        }
        let overall = comparison(rows)
        let channels = Set(rows.compactMap(\.channel))
        let stores = Set(rows.compactMap(\.store))
        let cost = currency.map { currency in
            Money(amount: redemptions.reduce(0) { $0 + discount(of: $1, offer: campaign.definition.offer, currency: currency) }, currency: currency)
        }
        let incremental = currency.flatMap { currency in
            overall.spendUplift.map { Money(amount: Int64(($0.absolute.estimate * Double(overall.treated.customers)).rounded()), currency: currency) }
        }
        return CampaignReport(
            campaign: summary, currency: currency, from: campaign.validFrom, until: campaign.validUntil, overall: overall,
            byChannel: Dictionary(uniqueKeysWithValues: channels.map { channel in (channel, comparison(rows.filter { $0.channel == channel })) }),
            byStore: Dictionary(uniqueKeysWithValues: stores.map { store in (store, comparison(rows.filter { $0.store == store })) }),
            cost: cost, incrementalRevenue: incremental, otherCurrencyOrders: otherCurrencyOrders
        )
    }

    /// The discount a sale that used `offer` was given: `percentOff` of what
    /// the lines it covers would have cost (their amounts are after it), or
    /// `amountOff`; 0 for an offer of points only.
    static func discount(of sale: Redemption, offer: Offer, currency: Currency) -> Int64 {
        guard sale.total.currency == currency else { return 0 }
        switch offer.discount {
        case .percent(let basisPoints):
            guard basisPoints < 10_000 else { return 0 }
            let covered = sale.lines.filter { offer.skus?.contains($0.sku) ?? true }.reduce(Int64(0)) { $0 + ($1.amount ?? 0) }
            return (covered * basisPoints + (10_000 - basisPoints) / 2) / (10_000 - basisPoints)
        case .amountOff(let amount):
            return amount.currency == currency ? amount.amount : 0
        case nil:
            return 0
        }
    }
}
