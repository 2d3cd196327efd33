/// A loyalty card presented at a terminal or kiosk (`record scan`).
public struct ScanRequest: Hashable, Sendable {
    public var card: CardNumber

    public init(card: CardNumber) {
        self.card = card
    }
}

extension ScanRequest: Decodable {
    enum CodingKeys: String, CodingKey {
        case card
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(card: try container.decode(CardNumber.self, forKey: .card))
    }
}
