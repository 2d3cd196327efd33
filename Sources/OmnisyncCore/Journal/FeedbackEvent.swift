/// A customer's satisfaction, captured at a till or a kiosk: a score from 0
/// to 10 (the net promoter question), an optional comment, and the customer
/// or receipt it is about when known (anonymous otherwise).
///
/// The comment is personal data: masked in listings, and gone with the
/// customer's erasure (``JournalEntry/redactingPersonalData()``).
public struct FeedbackEvent: Hashable, Sendable, Codable {
    public var customer: CustomerID?
    public var card: CardNumber?
    /// True when this feedback enrolled a new customer for `card`.
    public var enrolled: Bool
    public var score: Int
    public var comment: String?
    public var receipt: String?

    public init(customer: CustomerID?, card: CardNumber?, enrolled: Bool, score: Int, comment: String?, receipt: String?) {
        self.customer = customer
        self.card = card
        self.enrolled = enrolled
        self.score = score
        self.comment = comment
        self.receipt = receipt
    }

    /// The longest comment kept: a few paragraphs typed on a kiosk.
    public static let maxCommentLength = 2_000

    enum CodingKeys: String, CodingKey {
        case customer, card, enrolled, score, comment, receipt
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        customer = try container.decodeIfPresent(CustomerID.self, forKey: .customer)
        card = try container.decodeIfPresent(CardNumber.self, forKey: .card)
        enrolled = try container.decodeIfPresent(Bool.self, forKey: .enrolled) ?? false
        score = try container.decodeScore(forKey: .score)
        comment = try container.decodeComment(forKey: .comment)
        receipt = try container.decodeReceipt(forKey: .receipt)
        if customer == nil && card != nil {
            throw container.invalid(.customer, "a card needs a customer")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(customer, forKey: .customer)
        try container.encodeIfPresent(card, forKey: .card)
        try container.encode(enrolled, forKey: .enrolled)
        try container.encode(score, forKey: .score)
        try container.encodeIfPresent(comment, forKey: .comment)
        try container.encodeIfPresent(receipt, forKey: .receipt)
    }
}

extension KeyedDecodingContainer {
    /// A score from 0 to 10.
    func decodeScore(forKey key: Key) throws -> Int {
        let score = try decodeInteger(forKey: key)
        guard (0...10).contains(score) else { throw invalid(key, "must be a whole number from 0 to 10") }
        return Int(score)
    }

    /// An optional comment: 1 to ``FeedbackEvent/maxCommentLength`` characters, no control characters but line breaks.
    func decodeComment(forKey key: Key) throws -> String? {
        guard let comment = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard (1...FeedbackEvent.maxCommentLength).contains(comment.count) else {
            throw invalid(key, "must be 1-\(FeedbackEvent.maxCommentLength) characters (leave it out when there is none)")
        }
        guard !comment.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
            throw invalid(key, "must not hold control characters")
        }
        return comment
    }
}
