public import Foundation
public import OmnisyncCore

/// Satisfaction captured at tills and kiosks (`record feedback`), as head
/// office reads it (`omnisync-hub satisfaction`).
///
/// One feature of ``HubStore``; each backend implements it in its own file.
public protocol FeedbackStore: Sendable {
    /// Every feedback's figures (``Satisfaction``), by `grouping`.
    func satisfaction(by grouping: SatisfactionGrouping) async throws(HubError) -> [SatisfactionGroup]

    /// The most recent feedback, newest first.
    func feedback(limit: Int) async throws(HubError) -> [FeedbackRecord]
}

/// One answer as `omnisync-hub feedback list` shows it.
public struct FeedbackRecord: Sendable, Hashable {
    public var terminal: TerminalID
    public var seq: Int64
    public var store: StoreID
    /// Nil for an anonymous answer, and once the customer is erased.
    public var customer: CustomerID?
    public var at: Date
    public var score: Int
    /// What the customer wrote (personal data); nil when none, or erased.
    public var comment: String?
    public var receipt: String?

    public init(terminal: TerminalID, seq: Int64, store: StoreID, customer: CustomerID?, at: Date, score: Int, comment: String?, receipt: String?) {
        self.terminal = terminal
        self.seq = seq
        self.store = store
        self.customer = customer
        self.at = at
        self.score = score
        self.comment = comment
        self.receipt = receipt
    }

    /// The comment as a listing shows it: masked (its length only) unless revealed.
    public func shownComment(reveal: Bool) -> String? {
        guard let comment else { return nil }
        return reveal ? comment : "•••• (\(comment.count) characters)"
    }
}

/// How `satisfaction --by` splits the answers.
public enum SatisfactionGrouping: String, Sendable, CaseIterable {
    /// All answers together.
    case all
    /// By the store of the till or kiosk.
    case store
    /// By the customer's segment as the last recompute left it (`none` for
    /// anonymous answers and customers without one).
    case segment
    /// By calendar month, UTC (`2027-01`).
    case month
}

/// One group's figures.
public struct SatisfactionGroup: Sendable, Hashable, Encodable {
    public var group: String
    public var satisfaction: Satisfaction

    public init(group: String, satisfaction: Satisfaction) {
        self.group = group
        self.satisfaction = satisfaction
    }

    enum CodingKeys: String, CodingKey { case group, count, promoters, detractors, nps, meanScore }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(group, forKey: .group)
        try container.encode(satisfaction.count, forKey: .count)
        try container.encode(satisfaction.promoters, forKey: .promoters)
        try container.encode(satisfaction.detractors, forKey: .detractors)
        try container.encode(satisfaction.nps, forKey: .nps)
        try container.encode(satisfaction.meanScore, forKey: .meanScore)
    }

    /// Groups `answers` (group, score) in the groups' order.
    static func make(_ answers: [(String, Int)]) -> [SatisfactionGroup] {
        Dictionary(grouping: answers, by: \.0).map { SatisfactionGroup(group: $0.key, satisfaction: Satisfaction(scores: $0.value.map(\.1))) }
            .sorted { $0.group < $1.group }
    }
}
