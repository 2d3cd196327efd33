public import Foundation
public import OmnisyncCore

/// A sale line a till charged at another price than its list gave, as the
/// hub keeps it (`omnisync-hub overrides list`).
public struct PriceOverrideRecord: Sendable, Hashable, Encodable {
    public var store: StoreID
    public var terminal: TerminalID
    public var seq: Int64
    public var line: Int
    /// Who rang the sale up, when the POS software said.
    public var cashier: String?
    /// When the sale was recorded (the entry's time).
    public var at: Date
    public var sku: String
    public var quantity: Int64
    public var quoted: Money
    public var charged: Money
    public var rule: String
    /// The price-list version the till priced with.
    public var priceListVersion: Int64

    public init(
        store: StoreID, terminal: TerminalID, seq: Int64, line: Int, cashier: String?, at: Date, sku: String, quantity: Int64, quoted: Money,
        charged: Money, rule: String, priceListVersion: Int64
    ) {
        self.store = store
        self.terminal = terminal
        self.seq = seq
        self.line = line
        self.cashier = cashier
        self.at = at
        self.sku = sku
        self.quantity = quantity
        self.quoted = quoted
        self.charged = charged
        self.rule = rule
        self.priceListVersion = priceListVersion
    }

    /// (Charged - quoted) x quantity: negative when the customer paid less
    /// than the list said. Both prices and the quantity are bounded when the
    /// sale is read, so this cannot overflow.
    public var difference: Money {
        Money(amount: (charged.amount - quoted.amount) * quantity, currency: charged.currency)
    }

    enum CodingKeys: String, CodingKey {
        case store, terminal, seq, line, cashier, at, sku, quantity, quoted, charged, difference, rule, priceListVersion
    }

    /// Every key is written, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(store, forKey: .store)
        try container.encode(terminal, forKey: .terminal)
        try container.encode(seq, forKey: .seq)
        try container.encode(line, forKey: .line)
        try container.encode(cashier, forKey: .cashier)
        try container.encode(at, forKey: .at)
        try container.encode(sku, forKey: .sku)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(quoted, forKey: .quoted)
        try container.encode(charged, forKey: .charged)
        try container.encode(difference, forKey: .difference)
        try container.encode(rule, forKey: .rule)
        try container.encode(priceListVersion, forKey: .priceListVersion)
    }
}

/// Which overrides to list.
public struct PriceOverrideQuery: Sendable, Hashable {
    public var store: StoreID?
    public var cashier: String?
    /// Only those recorded at or after this time.
    public var since: Date?
    /// The most recent rows to list (the totals count every match).
    public var limit: Int

    public init(store: StoreID? = nil, cashier: String? = nil, since: Date? = nil, limit: Int = 100) {
        self.store = store
        self.cashier = cashier
        self.since = since
        self.limit = limit
    }
}

/// What `omnisync-hub overrides list` shows: totals per store and cashier
/// over every matching override, then the most recent ones.
public struct PriceOverrideReport: Sendable, Hashable, Encodable {
    /// One store's cashier (nil: sales that named none), in one currency.
    public struct Group: Sendable, Hashable, Encodable {
        public var store: StoreID
        public var cashier: String?
        /// Lines overridden, and the sales they belong to.
        public var lines: Int
        public var sales: Int
        /// The sum of the lines' differences (see ``PriceOverrideRecord/difference``).
        public var difference: Money

        public init(store: StoreID, cashier: String?, lines: Int, sales: Int, difference: Money) {
            self.store = store
            self.cashier = cashier
            self.lines = lines
            self.sales = sales
            self.difference = difference
        }

        enum CodingKeys: String, CodingKey { case store, cashier, lines, sales, difference }

        /// Every key is written, absent values as null.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(store, forKey: .store)
            try container.encode(cashier, forKey: .cashier)
            try container.encode(lines, forKey: .lines)
            try container.encode(sales, forKey: .sales)
            try container.encode(difference, forKey: .difference)
        }
    }

    /// By store, then cashier, then currency.
    public var byStoreAndCashier: [Group]
    /// The most recent first, at most the query's limit.
    public var overrides: [PriceOverrideRecord]

    public init(byStoreAndCashier: [Group], overrides: [PriceOverrideRecord]) {
        self.byStoreAndCashier = byStoreAndCashier
        self.overrides = overrides
    }
}
