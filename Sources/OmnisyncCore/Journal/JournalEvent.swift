/// What happened at a terminal: the payload of one journal entry.
public enum JournalEvent: Hashable, Sendable {
    case sale(SaleEvent)
    case `return`(ReturnEvent)
    case scan(ScanEvent)
    case profile(ProfileEvent)
    case feedback(FeedbackEvent)

    /// The kind, as written in the entry's `kind` field.
    public var kind: Kind {
        switch self {
        case .sale: .sale
        case .return: .return
        case .scan: .scan
        case .profile: .profile
        case .feedback: .feedback
        }
    }

    /// The customer the event is about, if any (anonymous sales have none).
    public var customer: CustomerID? {
        switch self {
        case .sale(let sale): sale.customer
        case .return(let ret): ret.customer
        case .scan(let scan): scan.customer
        case .profile(let profile): profile.customer
        case .feedback(let feedback): feedback.customer
        }
    }

    /// The loyalty card the event names, if any.
    public var card: CardNumber? {
        switch self {
        case .sale(let sale): sale.card
        case .return(let ret): ret.card
        case .scan(let scan): scan.card
        case .profile(let profile): profile.card
        case .feedback(let feedback): feedback.card
        }
    }

    public enum Kind: String, Codable, CaseIterable, Sendable {
        case sale, `return`, scan, profile, feedback
    }
}
