/// A sale as the journal records it: the request resolved at the terminal.
///
/// The customer id is resolved (or minted, for a card the terminal had never
/// seen) and the points earned are computed with the loyalty rule the terminal
/// last synced, so replaying the entry anywhere gives the same effect.
public struct SaleEvent: Hashable, Sendable, Codable {
    public var customer: CustomerID?
    public var card: CardNumber?
    /// True when this sale enrolled a new customer for `card`.
    public var enrolled: Bool
    public var lines: [SaleLine]
    public var total: Money
    public var receipt: String?
    public var pointsEarned: Int64
    public var pointsRedeemed: Int64
    /// Who rang the sale up, as the POS software names them (an id, not a name).
    public var cashier: String?
    /// Lines charged at another price than the till's list gave (see
    /// ``PriceOverride``); empty, and absent from the JSON, for most sales.
    public var priceOverrides: [PriceOverride]
    /// The campaign whose offer the sale used (``OfferGrant``).
    public var offer: CampaignID?

    public init(
        customer: CustomerID?, card: CardNumber?, enrolled: Bool, lines: [SaleLine], total: Money, receipt: String?, pointsEarned: Int64,
        pointsRedeemed: Int64, cashier: String? = nil, priceOverrides: [PriceOverride] = [], offer: CampaignID? = nil
    ) {
        self.customer = customer
        self.card = card
        self.enrolled = enrolled
        self.lines = lines
        self.total = total
        self.receipt = receipt
        self.pointsEarned = pointsEarned
        self.pointsRedeemed = pointsRedeemed
        self.cashier = cashier
        self.priceOverrides = priceOverrides
        self.offer = offer
    }

    enum CodingKeys: String, CodingKey {
        case customer, card, enrolled, lines, total, receipt, pointsEarned, pointsRedeemed, cashier, priceOverrides, offer
    }

    /// Optional keys are left out when absent, so a sale without a cashier,
    /// overrides or an offer has the bytes (and hash) it had before they existed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(customer, forKey: .customer)
        try container.encodeIfPresent(card, forKey: .card)
        try container.encode(enrolled, forKey: .enrolled)
        try container.encode(lines, forKey: .lines)
        try container.encode(total, forKey: .total)
        try container.encodeIfPresent(receipt, forKey: .receipt)
        try container.encode(pointsEarned, forKey: .pointsEarned)
        try container.encode(pointsRedeemed, forKey: .pointsRedeemed)
        try container.encodeIfPresent(cashier, forKey: .cashier)
        if !priceOverrides.isEmpty { try container.encode(priceOverrides, forKey: .priceOverrides) }
        try container.encodeIfPresent(offer, forKey: .offer)
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        customer = try container.decodeIfPresent(CustomerID.self, forKey: .customer)
        card = try container.decodeIfPresent(CardNumber.self, forKey: .card)
        enrolled = try container.decode(Bool.self, forKey: .enrolled)
        let body = try ReceiptBody(from: container, lines: .lines, total: .total, receipt: .receipt)
        (lines, total, receipt) = (body.lines, body.total, body.receipt)
        pointsEarned = try container.decodeCount(forKey: .pointsEarned)
        pointsRedeemed = try container.decodeCount(forKey: .pointsRedeemed)
        cashier = try container.decodeCashier(forKey: .cashier)
        priceOverrides = try container.decodeIfPresent([PriceOverride].self, forKey: .priceOverrides) ?? []
        if let problem = PriceOverride.problem(with: priceOverrides, of: lines) {
            throw container.invalid(.priceOverrides, problem)
        }
        offer = try container.decodeIfPresent(CampaignID.self, forKey: .offer)
        if customer == nil && (card != nil || pointsEarned > 0 || pointsRedeemed > 0 || offer != nil) {
            throw container.invalid(.customer, "points, a card or an offer need a customer")
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional cashier: 1-64 printable characters without spaces,
    /// like a receipt number (POS software sends an id, not a name).
    func decodeCashier(forKey key: Key) throws -> String? {
        guard let cashier = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard SaleLine.isValidReceipt(cashier) else {
            throw invalid(key, "must be 1-64 characters without spaces (the cashier's id)")
        }
        return cashier
    }

    /// Decodes a count of points: 0 to ``InputBounds/maxPointsPerEntry``.
    func decodeCount(forKey key: Key) throws -> Int64 {
        let value = try decodeInteger(forKey: key)
        guard (0...InputBounds.maxPointsPerEntry).contains(value) else {
            throw invalid(key, "must be between 0 and \(InputBounds.maxPointsPerEntry)")
        }
        return value
    }
}
