import Foundation

/// The fast path for reading journal entries: sales, returns and scans in
/// their canonical bytes, read by ``CanonicalJSONReader`` without Foundation.
///
/// It applies the same rules as ``JournalEntry/init(from:)`` (bounds, the
/// receipt rule, identifiers) and accepts nothing that decoder refuses; it
/// throws ``CanonicalJSONReader/NotCanonical`` for anything it does not
/// handle (profile changes, a sale's price overrides or offer, escapes, non-canonical
/// layout, invalid values), and the caller falls back to `JSONDecoder`,
/// which words the error. The
/// differential tests in `CanonicalReadingTests` hold the two paths together.
extension JournalEntry {
    /// Reads one entry at the reader's position.
    public static func readCanonical(_ reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.NotCanonical) -> JournalEntry {
        try reader.expect(UInt8(ascii: "{"))
        var first = true
        // Keys in sorted order: data, hlc, id, kind, previousHash, recordedAt, seq, terminal.
        // `data` comes before the `kind` that says how to read it: skipped now, read last.
        try reader.requiredKey("data", first: &first)
        let dataStart = try reader.skipValue()
        let dataEnd = reader.position
        try reader.requiredKey("hlc", first: &first)
        let hlc = try reader.stamp()
        try reader.requiredKey("id", first: &first)
        let id = try reader.value(EntryID.self)
        try reader.requiredKey("kind", first: &first)
        let kind = try reader.string()
        var previousHash: String?
        if reader.key("previousHash", first: &first) {
            let hash = try reader.string()
            guard ChainHash.isWellFormed(hash) else { throw .init() }
            previousHash = hash
        }
        try reader.requiredKey("recordedAt", first: &first)
        guard let recordedAt = Date(millis: try reader.time()) else { throw .init() }
        try reader.requiredKey("seq", first: &first)
        let seq = try reader.int64()
        try reader.requiredKey("terminal", first: &first)
        let terminal = try reader.value(TerminalID.self)
        try reader.expect(UInt8(ascii: "}"))
        guard seq >= 1, hlc.replica == ReplicaID(terminal) else { throw .init() }

        let end = reader.position
        var data = CanonicalJSONReader(reader.bytes, at: dataStart)
        let event: JournalEvent
        switch kind {
        case "sale": event = .sale(try SaleEvent.readCanonical(&data))
        case "return": event = .return(try ReturnEvent.readCanonical(&data))
        case "scan": event = .scan(try ScanEvent.readCanonical(&data))
        default: throw .init()
        }
        guard data.position == dataEnd else { throw .init() }
        reader = CanonicalJSONReader(reader.bytes, at: end)
        return JournalEntry(id: id, terminal: terminal, seq: seq, recordedAt: recordedAt, hlc: hlc, previousHash: previousHash, event: event)
    }

    /// Reads `bytes` as exactly one entry in canonical form.
    public static func readCanonical(_ bytes: UnsafeRawBufferPointer) throws(CanonicalJSONReader.NotCanonical) -> JournalEntry {
        var reader = CanonicalJSONReader(bytes)
        let entry = try readCanonical(&reader)
        guard reader.isAtEnd else { throw .init() }
        return entry
    }
}

extension SaleEvent {
    static func readCanonical(_ reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.NotCanonical) -> SaleEvent {
        try reader.expect(UInt8(ascii: "{"))
        var first = true
        let card: CardNumber? = reader.key("card", first: &first) ? try reader.value(CardNumber.self) : nil
        var cashier: String?
        if reader.key("cashier", first: &first) {
            cashier = try reader.string()
            guard SaleLine.isValidReceipt(cashier!) else { throw .init() }
        }
        let customer: CustomerID? = reader.key("customer", first: &first) ? try reader.value(CustomerID.self) : nil
        try reader.requiredKey("enrolled", first: &first)
        let enrolled = try reader.bool()
        try reader.requiredKey("lines", first: &first)
        let lines = try SaleLine.readCanonicalList(&reader)
        try reader.requiredKey("pointsEarned", first: &first)
        let earned = try reader.count()
        try reader.requiredKey("pointsRedeemed", first: &first)
        let redeemed = try reader.count()
        let receipt = try reader.receipt(first: &first)
        try reader.requiredKey("total", first: &first)
        let total = try Money.readCanonical(&reader)
        try reader.expect(UInt8(ascii: "}"))
        try SaleLine.checkReceipt(lines, total: total)
        guard customer != nil || (card == nil && earned == 0 && redeemed == 0) else { throw .init() }
        return SaleEvent(
            customer: customer, card: card, enrolled: enrolled, lines: lines, total: total, receipt: receipt, pointsEarned: earned,
            pointsRedeemed: redeemed, cashier: cashier
        )
    }
}

extension ReturnEvent {
    static func readCanonical(_ reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.NotCanonical) -> ReturnEvent {
        try reader.expect(UInt8(ascii: "{"))
        var first = true
        let card: CardNumber? = reader.key("card", first: &first) ? try reader.value(CardNumber.self) : nil
        let customer: CustomerID? = reader.key("customer", first: &first) ? try reader.value(CustomerID.self) : nil
        try reader.requiredKey("lines", first: &first)
        let lines = try SaleLine.readCanonicalList(&reader)
        try reader.requiredKey("originalReceipt", first: &first)
        let original = try reader.string()
        guard SaleLine.isValidReceipt(original) else { throw .init() }
        try reader.requiredKey("pointsReversed", first: &first)
        let reversed = try reader.count()
        let receipt = try reader.receipt(first: &first)
        try reader.requiredKey("total", first: &first)
        let total = try Money.readCanonical(&reader)
        try reader.expect(UInt8(ascii: "}"))
        try SaleLine.checkReceipt(lines, total: total)
        guard customer != nil || (card == nil && reversed == 0) else { throw .init() }
        return ReturnEvent(customer: customer, card: card, lines: lines, total: total, receipt: receipt, originalReceipt: original, pointsReversed: reversed)
    }
}

extension ScanEvent {
    static func readCanonical(_ reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.NotCanonical) -> ScanEvent {
        try reader.expect(UInt8(ascii: "{"))
        var first = true
        let card: CardNumber? = reader.key("card", first: &first) ? try reader.value(CardNumber.self) : nil
        try reader.requiredKey("customer", first: &first)
        let customer = try reader.value(CustomerID.self)
        try reader.requiredKey("enrolled", first: &first)
        let enrolled = try reader.bool()
        try reader.expect(UInt8(ascii: "}"))
        return ScanEvent(customer: customer, card: card, enrolled: enrolled)
    }
}

extension SaleLine {
    static func readCanonicalList(_ reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.NotCanonical) -> [SaleLine] {
        try reader.expect(UInt8(ascii: "["))
        var lines: [SaleLine] = []
        if reader.consume(UInt8(ascii: "]")) { return lines }
        repeat {
            guard lines.count < InputBounds.maxLines else { throw .init() }
            lines.append(try readCanonical(&reader))
        } while reader.consume(UInt8(ascii: ","))
        try reader.expect(UInt8(ascii: "]"))
        return lines
    }

    static func readCanonical(_ reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.NotCanonical) -> SaleLine {
        try reader.expect(UInt8(ascii: "{"))
        var first = true
        try reader.requiredKey("quantity", first: &first)
        let quantity = try reader.int64()
        try reader.requiredKey("sku", first: &first)
        let sku = try reader.string()
        try reader.requiredKey("unitPrice", first: &first)
        let unitPrice = try Money.readCanonical(&reader)
        try reader.expect(UInt8(ascii: "}"))
        guard isValidSKU(sku), (1...InputBounds.maxQuantity).contains(quantity), (0...InputBounds.maxAmount).contains(unitPrice.amount) else {
            throw .init()
        }
        return SaleLine(sku: sku, quantity: quantity, unitPrice: unitPrice)
    }

    /// The receipt rule of ``ReceiptBody``: at least one line, every line in
    /// the total's currency, `0 <= total <= sum of the lines <= maxAmount`.
    static func checkReceipt(_ lines: [SaleLine], total: Money) throws(CanonicalJSONReader.NotCanonical) {
        guard !lines.isEmpty, total.amount >= 0 else { throw .init() }
        var sum: Int64 = 0
        for line in lines {
            guard line.unitPrice.currency == total.currency, let amount = line.amount, let next = sum.checkedAdding(amount), next <= InputBounds.maxAmount else {
                throw .init()
            }
            sum = next
        }
        guard total.amount <= sum else { throw .init() }
    }
}

extension Money {
    static func readCanonical(_ reader: inout CanonicalJSONReader) throws(CanonicalJSONReader.NotCanonical) -> Money {
        try reader.expect(UInt8(ascii: "{"))
        var first = true
        try reader.requiredKey("amount", first: &first)
        let amount = try reader.int64()
        try reader.requiredKey("currency", first: &first)
        let currency = try reader.value(Currency.self)
        try reader.expect(UInt8(ascii: "}"))
        return Money(amount: amount, currency: currency)
    }
}

extension CanonicalJSONReader {
    /// A points count: 0 to ``InputBounds/maxPointsPerEntry``.
    mutating func count() throws(NotCanonical) -> Int64 {
        let value = try int64()
        guard (0...InputBounds.maxPointsPerEntry).contains(value) else { throw NotCanonical() }
        return value
    }

    /// The optional `receipt` key and its value.
    mutating func receipt(first: inout Bool) throws(NotCanonical) -> String? {
        guard key("receipt", first: &first) else { return nil }
        let receipt = try string()
        guard SaleLine.isValidReceipt(receipt) else { throw NotCanonical() }
        return receipt
    }
}
