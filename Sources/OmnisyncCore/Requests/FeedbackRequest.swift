/// Feedback as a till or kiosk submits it (`record feedback`):
/// `{ "score": 0..10, "comment"?: "...", "card"?|"customer"?: ..., "receipt"?: "..." }`.
public struct FeedbackRequest: Hashable, Sendable {
    public var reference: CustomerReference
    public var score: Int
    public var comment: String?
    public var receipt: String?

    public init(reference: CustomerReference = .init(), score: Int, comment: String? = nil, receipt: String? = nil) {
        self.reference = reference
        self.score = score
        self.comment = comment
        self.receipt = receipt
    }
}

extension FeedbackRequest: Decodable {
    enum CodingKeys: String, CodingKey {
        case card, customer, score, comment, receipt
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            reference: try container.decodeReference(customer: .customer, card: .card), score: try container.decodeScore(forKey: .score),
            comment: try container.decodeComment(forKey: .comment), receipt: try container.decodeReceipt(forKey: .receipt)
        )
    }
}
