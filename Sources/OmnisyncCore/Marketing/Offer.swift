/// What a campaign gives the customers it treats: money off (a percentage or
/// an amount), more points (a multiplier of what the sale earns, or a bonus),
/// on every SKU or only some.
///
/// The till does not work the discount out: the POS software prices the sale
/// and names the offer it used; the offer travels to the till so it can be
/// shown ("20 % off running shoes") and refused when it is not the customer's.
public struct Offer: Hashable, Sendable {
    public var discount: Promotion.Discount?
    /// Points earned times this, in hundredths (150: one and a half times).
    public var pointsMultiplierHundredths: Int64?
    /// Points added to what the sale earns.
    public var pointsBonus: Int64?
    /// The SKUs it applies to; nil for all.
    public var skus: Set<String>?

    public init(discount: Promotion.Discount? = nil, pointsMultiplierHundredths: Int64? = nil, pointsBonus: Int64? = nil, skus: Set<String>? = nil) {
        self.discount = discount
        self.pointsMultiplierHundredths = pointsMultiplierHundredths
        self.pointsBonus = pointsBonus
        self.skus = skus
    }

    /// What it gives, for people: "20 % off, double points on SHOE-42, SOCK".
    public var description: String {
        var parts: [String] = []
        if let discount { parts.append(discount.description) }
        if let multiplier = pointsMultiplierHundredths {
            parts.append(multiplier == 200 ? "double points" : "points x\(Self.decimal(multiplier))")
        }
        if let bonus = pointsBonus { parts.append("\(bonus) bonus points") }
        var text = parts.joined(separator: ", ")
        if let skus { text += " on " + skus.sorted().joined(separator: ", ") }
        return text
    }

    /// 150 as "1.5", 200 as "2", 125 as "1.25".
    static func decimal(_ hundredths: Int64) -> String {
        let (whole, fraction) = (hundredths / 100, hundredths % 100)
        if fraction == 0 { return "\(whole)" }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension Offer: Codable {
    enum CodingKeys: String, CodingKey {
        case percentOff, amountOff, pointsMultiplier, pointsBonus, skus
    }

    /// The largest multiplier and bonus: generous campaigns, not overflows.
    static let maxMultiplierHundredths: Int64 = 10_000
    static let maxBonus: Int64 = 1_000_000

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let percent = try container.decodeIfPresent(Double.self, forKey: .percentOff) {
            guard let basisPoints = Self.hundredths(percent), (1...10_000).contains(basisPoints) else {
                throw container.invalid(.percentOff, "must be more than 0 and at most 100, to 0.01")
            }
            discount = .percent(basisPoints: basisPoints)
        }
        if let amount = try container.decodeIfPresent(Money.self, forKey: .amountOff) {
            guard discount == nil else { throw container.invalid(.amountOff, "give percentOff or amountOff, not both") }
            guard (1...InputBounds.maxAmount).contains(amount.amount) else {
                throw container.invalid(.amountOff, "amount must be between 1 and \(InputBounds.maxAmount) minor units")
            }
            discount = .amountOff(amount)
        }
        if let multiplier = try container.decodeIfPresent(Double.self, forKey: .pointsMultiplier) {
            guard let hundredths = Self.hundredths(multiplier), (101...Self.maxMultiplierHundredths).contains(hundredths) else {
                throw container.invalid(.pointsMultiplier, "must be more than 1 and at most \(Self.maxMultiplierHundredths / 100), to 0.01")
            }
            pointsMultiplierHundredths = hundredths
        }
        if let bonus = try container.decodeIntegerIfPresent(forKey: .pointsBonus) {
            guard (1...Self.maxBonus).contains(bonus) else { throw container.invalid(.pointsBonus, "must be between 1 and \(Self.maxBonus)") }
            pointsBonus = bonus
        }
        if let list = try container.decodeIfPresent([String].self, forKey: .skus) {
            guard !list.isEmpty else { throw container.invalid(.skus, "leave it out for every SKU, or name at least one") }
            if let bad = list.first(where: { !SaleLine.isValidSKU($0) }) {
                throw container.invalid(.skus, "\(bad) is not a SKU (1-64 characters without spaces)")
            }
            skus = Set(list)
        }
        guard discount != nil || pointsMultiplierHundredths != nil || pointsBonus != nil else {
            throw container.invalid(.percentOff, "an offer gives something: percentOff, amountOff, pointsMultiplier or pointsBonus")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch discount {
        case .percent(let basisPoints): try container.encode(Double(basisPoints) / 100, forKey: .percentOff)
        case .amountOff(let amount): try container.encode(amount, forKey: .amountOff)
        case nil: break
        }
        if let multiplier = pointsMultiplierHundredths { try container.encode(Double(multiplier) / 100, forKey: .pointsMultiplier) }
        try container.encodeIfPresent(pointsBonus, forKey: .pointsBonus)
        if let skus { try container.encode(skus.sorted(), forKey: .skus) }
    }

    /// `value` in hundredths when it has at most two decimals.
    static func hundredths(_ value: Double) -> Int64? {
        guard value.isFinite, abs(value) < 1e12 else { return nil }
        let scaled = (value * 100).rounded()
        guard abs(value * 100 - scaled) < 1e-6 else { return nil }
        return Int64(scaled)
    }
}
