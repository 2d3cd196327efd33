import Foundation
import Testing
import OmnisyncTestSupport
@testable import OmnisyncCore

/// The canonical fast path against `JSONDecoder`: it must read what the
/// encoder writes, never accept what the decoder refuses, and accept only
/// bytes that are exactly the canonical encoding of what it read (their hash
/// is then the entry's chain hash).
@Suite struct CanonicalReadingTests {
    static let runs = ProcessInfo.processInfo.environment["OMNISYNC_PROPERTY_RUNS"].flatMap(Int.init) ?? 400

    /// Decodes through the fast path, nil when it declines.
    static func fast(_ bytes: Data) -> JournalEntry? {
        bytes.withUnsafeBytes { buffer in try? JournalEntry.readCanonical(buffer) }
    }

    static func slow(_ bytes: Data) -> JournalEntry? {
        try? WireCoding.decode(JournalEntry.self, from: bytes)
    }

    @Test func readsEveryEntryTheEncoderWritesAsTheDecoderDoes() throws {
        var random = TestSeed.generator("canonical entries")
        for _ in 0..<Self.runs {
            let entry = RandomEntry.make(&random)
            let bytes = try WireCoding.encode(entry)
            #expect(try entry.canonicalBytes() == bytes, "the canonical writer and the encoder disagree")
            if case .sale(let sale) = entry.event, !sale.priceOverrides.isEmpty {
                // Rare, so left to the decoder: the fast path declines them.
                #expect(Self.fast(bytes) == nil)
                #expect(Self.slow(bytes) == entry)
                continue
            }
            let read = try #require(Self.fast(bytes), "the fast path declined \(String(decoding: bytes, as: UTF8.self))")
            #expect(read == entry)
            #expect(read == Self.slow(bytes))
        }
    }

    @Test func acceptsNothingTheDecoderRefusesAndOnlyCanonicalBytes() throws {
        var random = TestSeed.generator("mutated entries")
        var accepted = 0
        for _ in 0..<(Self.runs * 10) {
            var bytes = [UInt8](try WireCoding.encode(RandomEntry.make(&random)))
            // One random edit: a byte replaced, inserted or removed.
            let position = Int.random(in: 0..<bytes.count, using: &random)
            let byte = Self.interesting.randomElement(using: &random)!
            switch Int.random(in: 0...2, using: &random) {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            default: bytes.remove(at: position)
            }
            let data = Data(bytes)
            guard let read = Self.fast(data) else { continue }
            accepted += 1
            #expect(Self.slow(data) == read, "fast path accepted what the decoder reads otherwise: \(String(decoding: data, as: UTF8.self))")
            #expect(try WireCoding.encode(read) == data, "fast path accepted non-canonical bytes: \(String(decoding: data, as: UTF8.self))")
        }
        // Some edits keep an entry valid (a digit for a digit): the check above ran.
        #expect(accepted > 0)
    }

    /// Bytes that make edits meaningful: digits, letters, JSON punctuation, whitespace, escapes.
    static let interesting = Array("0123456789-aZ:\",{}[] \\.eE+nt".utf8)

    @Test(arguments: [
        // Whitespace, another key order, an escape, a card the decoder normalises,
        // a stamp with leading zeros, a fraction, an explicit null.
        (#"{"data""#, #"{ "data""#),
        (#""id":"#, #""id" :"#),
        (#""sku":"SKU-1""#, #""sku":"SKU\u002D1""#),
        (#""card":"CARD7""#, #""card":"card7""#),
        (#""hlc":"1796"#, #""hlc":"01796"#),
        (#""quantity":2"#, #""quantity":2.0"#),
        (#""enrolled":false"#, #""enrolled":false,"receipt":null"#),
    ])
    func declinesWhatIsNotCanonicalAndTheDecoderStillReadsIt(canonical: String, variant: String) throws {
        let entry = JournalEntry(
            id: EntryID(rawValue: "E-1")!, terminal: TerminalID(rawValue: "T-1")!, seq: 1, recordedAt: Date(millis: 1_796_421_141_069)!,
            hlc: HLCTimestamp(wallMillis: 1_796_421_141_069, counter: 0, replica: ReplicaID(rawValue: "T-1")!),
            event: .sale(SaleEvent(
                customer: CustomerID(rawValue: "C-1")!, card: CardNumber(rawValue: "CARD7")!, enrolled: false,
                lines: [SaleLine(sku: "SKU-1", quantity: 2, unitPrice: Money(amount: 500, currency: Currency(rawValue: "EUR")!))],
                total: Money(amount: 1000, currency: Currency(rawValue: "EUR")!), receipt: nil, pointsEarned: 10, pointsRedeemed: 0
            ))
        )
        let text = String(decoding: try WireCoding.encode(entry), as: UTF8.self)
        #expect(Self.fast(Data(text.utf8)) == entry)
        #expect(text.contains(canonical))
        let altered = Data(text.replacingOccurrences(of: canonical, with: variant).utf8)
        #expect(Self.fast(altered) == nil)
        #expect(Self.slow(altered) != nil, "the decoder reads the variant")
    }

    @Test func textThatNeedsEscapingIsWrittenByTheEncoder() throws {
        var factory = EntryFactory(terminal: "T-1")
        let total = Money(amount: 100, currency: Currency(rawValue: "EUR")!)
        for sku in [#"SKU"1"#, #"SKU\1"#, "SKÜ-1", "SKU/1"] {
            let entry = factory.entry(.sale(SaleEvent(
                customer: nil, card: nil, enrolled: false, lines: [SaleLine(sku: sku, quantity: 1, unitPrice: total)], total: total,
                receipt: nil, pointsEarned: 0, pointsRedeemed: 0
            )))
            #expect(try entry.canonicalBytes() == WireCoding.encode(entry), "\(sku)")
        }
    }

    @Test func profileChangesGoToTheFullDecoder() throws {
        var factory = EntryFactory(terminal: "T-1")
        let entry = factory.profile(customer: CustomerID(rawValue: "C-1")!, set: .name, to: "Ada")
        let bytes = try WireCoding.encode(entry)
        #expect(Self.fast(bytes) == nil)
        #expect(Self.slow(bytes) == entry)
    }

    @Test func timesMatchTheRFC3339Parser() throws {
        var random = TestSeed.generator("canonical times")
        for _ in 0..<Self.runs {
            let millis = Int64.random(in: 0...253_402_300_799_999, using: &random)
            let text = "\"\(RFC3339.format(Date(millis: millis)!))\""
            let read = Data(text.utf8).withUnsafeBytes { buffer -> Int64? in
                var reader = CanonicalJSONReader(buffer)
                return try? reader.time()
            }
            #expect(read == millis, "\(text)")
        }
        for invalid in ["2026-02-29T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-01-01T24:00:00.000Z", "2026-01-01T00:00:00Z"] {
            let read = Data("\"\(invalid)\"".utf8).withUnsafeBytes { buffer -> Int64? in
                var reader = CanonicalJSONReader(buffer)
                return try? reader.time()
            }
            #expect(read == nil, "\(invalid)")
        }
    }
}

/// Random sales, returns and scans across the bounds the decoder enforces.
enum RandomEntry {
    static let currencies = ["EUR", "JPY", "KWD"].map { Currency(rawValue: $0)! }

    static func make(_ random: inout SeededGenerator) -> JournalEntry {
        let terminal = TerminalID(rawValue: "T-\(Int.random(in: 0...99, using: &random))")!
        let customer: CustomerID? = Bool.random(using: &random) ? CustomerID(rawValue: "C-\(UInt32.random(in: 0...UInt32.max, using: &random))") : nil
        let card: CardNumber? = customer != nil && Bool.random(using: &random) ? CardNumber(rawValue: "CARD\(Int.random(in: 0...99_999, using: &random))") : nil
        let currency = currencies.randomElement(using: &random)!
        let lines = (0..<Int.random(in: 1...4, using: &random)).map { index in
            SaleLine(
                sku: "SKU.\(index)_\(Int.random(in: 0...9999, using: &random))", quantity: Int64.random(in: 1...1000, using: &random),
                unitPrice: Money(amount: Int64.random(in: 0...1_000_000, using: &random), currency: currency)
            )
        }
        let sum = lines.reduce(0) { $0 + $1.amount! }
        let total = Money(amount: Int64.random(in: 0...sum, using: &random), currency: currency)
        let receipt: String? = Bool.random(using: &random) ? "R#\(Int.random(in: 0...999_999, using: &random))" : nil
        let points = customer == nil ? 0 : Int64.random(in: 0...InputBounds.maxPointsPerEntry, using: &random)
        let event: JournalEvent
        switch Int.random(in: 0...2, using: &random) {
        case 0:
            let cashier: String? = Bool.random(using: &random) ? "cashier-\(Int.random(in: 0...99, using: &random))" : nil
            // Now and then the till's list quoted another price for some lines.
            let overrides = Int.random(in: 0...3, using: &random) == 0
                ? lines.enumerated().filter { _ in Bool.random(using: &random) }.map { index, line in
                    PriceOverride(
                        line: index + 1, sku: line.sku, quoted: Money(amount: line.unitPrice.amount + 1, currency: currency), charged: line.unitPrice,
                        rule: "promotion P-\(index): 10%", version: Int64.random(in: 1...1_000, using: &random)
                    )
                }
                : []
            event = .sale(SaleEvent(
                customer: customer, card: card, enrolled: Bool.random(using: &random), lines: lines, total: total, receipt: receipt,
                pointsEarned: points, pointsRedeemed: customer == nil ? 0 : Int64.random(in: 0...500, using: &random), cashier: cashier,
                priceOverrides: overrides
            ))
        case 1:
            event = .return(ReturnEvent(customer: customer, card: card, lines: lines, total: total, receipt: receipt, originalReceipt: "R-\(Int.random(in: 0...99, using: &random))", pointsReversed: points))
        default:
            event = .scan(ScanEvent(customer: customer ?? CustomerID(rawValue: "C-0")!, card: card, enrolled: Bool.random(using: &random)))
        }
        let wall = Int64.random(in: 0...InputBounds.maxWallMillis, using: &random)
        let previous: String? = Bool.random(using: &random) ? ChainHash.of(Data("\(wall)".utf8)) : nil
        return JournalEntry(
            id: EntryID(rawValue: "E-\(UInt64.random(in: 0...UInt64.max, using: &random))")!, terminal: terminal,
            seq: Int64.random(in: 1...Int64.max, using: &random), recordedAt: Date(millis: Int64.random(in: 0...253_402_300_799_999, using: &random))!,
            hlc: HLCTimestamp(wallMillis: wall, counter: UInt32.random(in: 0...UInt32.max, using: &random), replica: ReplicaID(terminal)),
            previousHash: previous, event: event
        )
    }
}
