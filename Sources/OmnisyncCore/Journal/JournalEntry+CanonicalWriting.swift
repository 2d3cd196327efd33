public import Foundation

/// The fast path for writing journal entries: the exact bytes
/// ``WireCoding/encode(_:pretty:)`` writes for a sale, a return or a scan,
/// written without Foundation's encoder.
///
/// A till encodes every entry it records (the bytes it stores, hashes and
/// later pushes). Entries this writer does not handle (profile changes, or
/// text that would need escaping) go through `JSONEncoder`; the property
/// test in `CanonicalReadingTests` checks both give the same bytes.
extension JournalEntry {
    /// The entry's canonical JSON, as stored, hashed and sent.
    public func canonicalBytes() throws -> Data {
        var writer = CanonicalJSONWriter()
        if writer.entry(self) { return Data(writer.bytes) }
        return try WireCoding.encode(self)
    }
}

/// Writes canonical JSON (sorted keys, no whitespace) for the types of the
/// fast path; every method returns false, writing garbage, when a value
/// needs what it does not do (escaping), and the caller falls back.
struct CanonicalJSONWriter {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func entry(_ entry: JournalEntry) -> Bool {
        bytes.append(contentsOf: #"{"data":"#.utf8)
        switch entry.event {
        case .sale(let sale): guard self.sale(sale) else { return false }
        case .return(let ret): guard self.return(ret) else { return false }
        case .scan(let scan): guard self.scan(scan) else { return false }
        case .profile, .feedback: return false
        }
        key("hlc")
        guard string(entry.hlc.description) else { return false }
        key("id")
        guard string(entry.id.rawValue) else { return false }
        key("kind")
        guard string(entry.event.kind.rawValue) else { return false }
        if let previous = entry.previousHash {
            key("previousHash")
            guard string(previous) else { return false }
        }
        key("recordedAt")
        guard string(RFC3339.format(entry.recordedAt)) else { return false }
        key("seq")
        integer(entry.seq)
        key("terminal")
        guard string(entry.terminal.rawValue) else { return false }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    private mutating func sale(_ sale: SaleEvent) -> Bool {
        var first = true
        bytes.append(UInt8(ascii: "{"))
        // Overrides and offers are rarer: JSONEncoder writes them.
        guard sale.priceOverrides.isEmpty, sale.offer == nil else { return false }
        if let card = sale.card { field("card", &first); guard string(card.rawValue) else { return false } }
        if let cashier = sale.cashier { field("cashier", &first); guard string(cashier) else { return false } }
        if let customer = sale.customer { field("customer", &first); guard string(customer.rawValue) else { return false } }
        field("enrolled", &first)
        bool(sale.enrolled)
        field("lines", &first)
        guard lines(sale.lines) else { return false }
        field("pointsEarned", &first)
        integer(sale.pointsEarned)
        field("pointsRedeemed", &first)
        integer(sale.pointsRedeemed)
        if let receipt = sale.receipt { field("receipt", &first); guard string(receipt) else { return false } }
        field("total", &first)
        guard money(sale.total) else { return false }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    private mutating func `return`(_ ret: ReturnEvent) -> Bool {
        var first = true
        bytes.append(UInt8(ascii: "{"))
        if let card = ret.card { field("card", &first); guard string(card.rawValue) else { return false } }
        if let customer = ret.customer { field("customer", &first); guard string(customer.rawValue) else { return false } }
        field("lines", &first)
        guard lines(ret.lines) else { return false }
        field("originalReceipt", &first)
        guard string(ret.originalReceipt) else { return false }
        field("pointsReversed", &first)
        integer(ret.pointsReversed)
        if let receipt = ret.receipt { field("receipt", &first); guard string(receipt) else { return false } }
        field("total", &first)
        guard money(ret.total) else { return false }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    private mutating func scan(_ scan: ScanEvent) -> Bool {
        var first = true
        bytes.append(UInt8(ascii: "{"))
        if let card = scan.card { field("card", &first); guard string(card.rawValue) else { return false } }
        field("customer", &first)
        guard string(scan.customer.rawValue) else { return false }
        field("enrolled", &first)
        bool(scan.enrolled)
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    private mutating func lines(_ lines: [SaleLine]) -> Bool {
        bytes.append(UInt8(ascii: "["))
        for (index, line) in lines.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: #"{"quantity":"#.utf8)
            integer(line.quantity)
            bytes.append(contentsOf: #","sku":"#.utf8)
            guard string(line.sku) else { return false }
            bytes.append(contentsOf: #","unitPrice":"#.utf8)
            guard money(line.unitPrice) else { return false }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        return true
    }

    private mutating func money(_ money: Money) -> Bool {
        bytes.append(contentsOf: #"{"amount":"#.utf8)
        integer(money.amount)
        bytes.append(contentsOf: #","currency":"#.utf8)
        guard string(money.currency.rawValue) else { return false }
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// `,"name":` after the entry's `data` value.
    private mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: ","))
        quoted(name)
    }

    /// `"name":`, preceded by a comma unless it is the object's first key.
    private mutating func field(_ name: StaticString, _ first: inout Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        quoted(name)
    }

    private mutating func quoted(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: #"":"#.utf8)
    }

    /// A string of printable ASCII without quote or backslash, which JSON
    /// writes as it is; false for anything that would need escaping.
    private mutating func string(_ value: String) -> Bool {
        var text = value
        return text.withUTF8 { utf8 in
            guard utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
    }

    private mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    private mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }
}
