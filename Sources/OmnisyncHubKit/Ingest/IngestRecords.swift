public import Foundation
public import OmnisyncCore

/// A concurrent edit the hub resolved, kept for operators (`omnisync-hub conflicts`).
public struct ConflictRecord: Sendable, Hashable {
    public var id: Int64?
    public var customer: CustomerID
    public var conflict: FieldConflict
    /// The entry whose arrival revealed the conflict.
    public var terminal: TerminalID
    public var seq: Int64
    public var detectedAt: Date

    public init(id: Int64? = nil, customer: CustomerID, conflict: FieldConflict, terminal: TerminalID, seq: Int64, detectedAt: Date) {
        self.id = id
        self.customer = customer
        self.conflict = conflict
        self.terminal = terminal
        self.seq = seq
        self.detectedAt = detectedAt
    }
}

/// A redemption that left a balance below zero (two stores spending the same
/// points offline), waiting for head office's review (`omnisync-hub review`).
public struct OverdraftRecord: Sendable, Hashable {
    public var id: Int64?
    public var customer: CustomerID
    public var terminal: TerminalID
    public var store: StoreID
    public var seq: Int64
    public var redeemed: Int64
    /// The balance right after the redemption (negative).
    public var balance: Int64
    /// The store's offline allowance when it happened.
    public var allowance: Int64
    public var detectedAt: Date
    public var approvedAt: Date?
    public var note: String?

    /// True when the overdraft stayed within what the store's policy allows.
    public var withinAllowance: Bool { -balance <= allowance }

    public init(id: Int64? = nil, customer: CustomerID, terminal: TerminalID, store: StoreID, seq: Int64, redeemed: Int64, balance: Int64, allowance: Int64, detectedAt: Date, approvedAt: Date? = nil, note: String? = nil) {
        self.id = id
        self.customer = customer
        self.terminal = terminal
        self.store = store
        self.seq = seq
        self.redeemed = redeemed
        self.balance = balance
        self.allowance = allowance
        self.detectedAt = detectedAt
        self.approvedAt = approvedAt
        self.note = note
    }
}

/// `alias` now stands for `target` (an identity merge).
public struct AliasRecord: Sendable, Hashable {
    public var alias: CustomerID
    public var target: CustomerID
    public var reason: String
}

/// An entry stored but not applied, as `omnisync-hub quarantine list` shows it.
public struct QuarantinedEntry: Sendable, Hashable {
    public var terminal: TerminalID
    public var seq: Int64
    /// The entry's kind when it decodes (nil for an unreadable one).
    public var kind: String?
    public var customer: CustomerID?
    public var reason: String
    public var quarantinedAt: Date
}

/// What `quarantine retry` did with one entry.
public struct RetryOutcome: Sendable, Hashable {
    public var terminal: TerminalID
    public var seq: Int64
    /// True when the entry is now applied; false when it stays quarantined.
    public var applied: Bool
    /// Why it stays quarantined.
    public var reason: String?

    public init(terminal: TerminalID, seq: Int64, applied: Bool, reason: String?) {
        self.terminal = terminal
        self.seq = seq
        self.applied = applied
        self.reason = reason
    }
}
