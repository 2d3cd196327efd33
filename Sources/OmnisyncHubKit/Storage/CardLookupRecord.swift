public import Foundation
public import OmnisyncCore

/// One card lookup by a terminal, as the audit keeps it: when, by whom, the
/// card's last four digits only, and what came of it.
public struct CardLookupRecord: Sendable, Hashable, Encodable {
    public enum Outcome: String, Sendable, Hashable, Encodable {
        /// The card's holder was sent to the terminal.
        case found
        /// No customer holds the card.
        case unknown
        /// Refused: the terminal was over its lookups per minute.
        case refused
    }

    public var terminal: TerminalID
    /// `****1234`.
    public var card: String
    public var customer: CustomerID?
    public var outcome: Outcome
    public var at: Date

    public init(terminal: TerminalID, card: String, customer: CustomerID?, outcome: Outcome, at: Date) {
        self.terminal = terminal
        self.card = card
        self.customer = customer
        self.outcome = outcome
        self.at = at
    }
}
