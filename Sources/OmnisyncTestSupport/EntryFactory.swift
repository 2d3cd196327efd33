public import Foundation
public import OmnisyncCore

/// Builds well-formed journal entries for one terminal, numbering them in
/// order, for tests that talk to the hub without an agent.
public struct EntryFactory: Sendable {
    public let terminal: TerminalID
    public private(set) var nextSeq: Int64 = 1
    private var clock: HybridLogicalClock
    /// The hash of the last entry made, which the next one links to.
    private var lastHash: String?
    private var generator = SystemRandomNumberGenerator()
    public var now = Date(timeIntervalSince1970: 1_795_000_000)

    public init(terminal: String) {
        self.terminal = TerminalID(rawValue: terminal)!
        clock = HybridLogicalClock(replica: ReplicaID(self.terminal))
    }

    /// A new, random id of `kind`.
    public mutating func identifier<Kind>(_: Kind.Type = Kind.self) -> Identifier<Kind> {
        Identifier(rawValue: UUIDv7.make(unixMillis: now.millis, using: &generator))!
    }

    /// The next entry carrying `event`; `clockOffset` moves this terminal's
    /// wall clock (a terminal whose clock is a year ahead).
    public mutating func entry(_ event: JournalEvent, clockOffset: TimeInterval = 0) -> JournalEntry {
        now += 1
        let entry = JournalEntry(
            id: identifier(), terminal: terminal, seq: nextSeq, recordedAt: now,
            hlc: clock.tick(wallMillis: now.addingTimeInterval(clockOffset).millis), previousHash: lastHash, event: event
        )
        nextSeq += 1
        lastHash = try? ChainHash.of(entry)
        return entry
    }

    /// The next entry: a sale of `cents` EUR to `customer`, earning one point per euro.
    public mutating func sale(customer: CustomerID, card: CardNumber? = nil, enrolled: Bool = false, cents: Int64 = 1299, redeemed: Int64 = 0) -> JournalEntry {
        let total = Money(amount: cents, currency: Currency(rawValue: "EUR")!)
        return entry(.sale(SaleEvent(
            customer: customer, card: card, enrolled: enrolled,
            lines: [SaleLine(sku: "SKU-1", quantity: 1, unitPrice: total)], total: total, receipt: "R-\(nextSeq)",
            pointsEarned: LoyaltyPolicy.default.pointsEarned(by: total), pointsRedeemed: redeemed
        )))
    }

    /// The next entry: setting `field` of `customer`'s profile, having seen the
    /// value stamped `observed` (nil: none).
    public mutating func profile(customer: CustomerID, set field: ProfileField, to value: String?, observed: HLCTimestamp? = nil, clockOffset: TimeInterval = 0) -> JournalEntry {
        entry(.profile(ProfileEvent(customer: customer, set: [field: value], observed: observed.map { [field: $0] } ?? [:])), clockOffset: clockOffset)
    }

    /// The next entry: erasing `customer`.
    public mutating func erase(customer: CustomerID) -> JournalEntry {
        entry(.profile(ProfileEvent(customer: customer, erase: true)))
    }

    /// Moves this terminal's clock past `stamp`, as a pull of a state carrying it does.
    public mutating func observe(_ stamp: HLCTimestamp) {
        clock.observe(stamp, wallMillis: now.millis)
    }
}
