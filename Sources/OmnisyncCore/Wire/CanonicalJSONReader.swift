/// A forward-only reader of canonical JSON: exactly the bytes ``WireCoding``
/// writes (sorted keys, no whitespace, no `null` for an absent value,
/// integers without fraction or exponent, strings of printable ASCII without
/// escapes).
///
/// The hub's and the agent's hot paths read what Omnisync itself wrote, and
/// Foundation's `JSONDecoder` was the largest cost of a push (profiles in
/// `docs/benchmarks.md`). This
/// reader accepts only the canonical subset, in one pass and without
/// allocating beyond the values it returns. Anything else (an escape,
/// whitespace, another key order, a number with a fraction, a key it does not
/// expect) makes it throw ``NotCanonical``, never guess: the caller then
/// falls back to `JSONDecoder`, which accepts all JSON, applies the same
/// rules and words the error. So the fast path changes speed, not meaning.
///
/// Because only canonical bytes get through, bytes it accepted are exactly
/// what re-encoding the decoded value would give: their hash is the value's
/// chain hash without re-encoding it.
public struct CanonicalJSONReader {
    /// Thrown for any byte outside the canonical subset; carries no detail
    /// because the fallback decoder explains real errors.
    public struct NotCanonical: Error {
        public init() {}
    }

    let bytes: UnsafeRawBufferPointer
    public private(set) var position: Int

    public init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var isAtEnd: Bool { position == bytes.count }

    // MARK: Structure

    /// Consumes `byte` or throws.
    public mutating func expect(_ byte: UInt8) throws(NotCanonical) {
        guard position < bytes.count, bytes[position] == byte else { throw NotCanonical() }
        position += 1
    }

    /// Consumes `byte` if it is next.
    public mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Consumes `"name":`, preceded by a comma unless it is the object's
    /// first key, if that is what comes next; leaves the position alone
    /// otherwise. Keys must be asked for in sorted order, the order they are
    /// written in, so an optional key that is absent costs one comparison.
    public mutating func key(_ name: StaticString, first: inout Bool) -> Bool {
        var at = position
        if !first {
            guard at < bytes.count, bytes[at] == UInt8(ascii: ",") else { return false }
            at += 1
        }
        let length = name.utf8CodeUnitCount
        guard at + length + 3 <= bytes.count, bytes[at] == UInt8(ascii: "\"") else { return false }
        let matches = name.withUTF8Buffer { expected in
            for index in 0..<length where bytes[at + 1 + index] != expected[index] { return false }
            return true
        }
        guard matches, bytes[at + 1 + length] == UInt8(ascii: "\""), bytes[at + 2 + length] == UInt8(ascii: ":") else { return false }
        position = at + length + 3
        first = false
        return true
    }

    /// Like ``key(_:first:)`` for a key that must be there.
    public mutating func requiredKey(_ name: StaticString, first: inout Bool) throws(NotCanonical) {
        guard key(name, first: &first) else { throw NotCanonical() }
    }

    /// Skips one value of any kind without validating it (strings may hold
    /// escapes, containers whitespace): it finds the bytes of a value that
    /// the full decoder then reads. Returns where the value started.
    public mutating func skipValue() throws(NotCanonical) -> Int {
        let start = position
        guard position < bytes.count else { throw NotCanonical() }
        switch bytes[position] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            repeat {
                guard position < bytes.count else { throw NotCanonical() }
                switch bytes[position] {
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                case UInt8(ascii: "\""): try skipString(); continue
                default: break
                }
                position += 1
            } while depth > 0
        case UInt8(ascii: "\""):
            try skipString()
        default:
            // A number or a literal: up to what ends it.
            while position < bytes.count, !Self.endsValue(bytes[position]) { position += 1 }
        }
        guard position > start else { throw NotCanonical() }
        return start
    }

    /// Skips a string, escapes included, without reading it.
    private mutating func skipString() throws(NotCanonical) {
        position += 1
        while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
            position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard position < bytes.count else { throw NotCanonical() }
        position += 1
    }

    private static func endsValue(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
    }

    // MARK: Values

    /// A string of printable ASCII without escapes.
    public mutating func string() throws(NotCanonical) -> String {
        let range = try stringRange()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The bytes between the quotes of a string of printable ASCII.
    mutating func stringRange(opening: UInt8 = UInt8(ascii: "\"")) throws(NotCanonical) -> Range<Int> {
        try expect(opening)
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return start..<(position - 1)
            }
            // Control characters must be escaped in JSON; escapes and
            // non-ASCII text go to the full decoder.
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { throw NotCanonical() }
            position += 1
        }
        throw NotCanonical()
    }

    /// An integer as an encoder writes it: no leading zeros, no `-0`, in range.
    public mutating func int64() throws(NotCanonical) -> Int64 {
        let negative = consume(UInt8(ascii: "-"))
        let magnitude = try natural()
        if negative {
            guard magnitude != 0, magnitude <= UInt64(Int64.max) + 1 else { throw NotCanonical() }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw NotCanonical() }
        return Int64(magnitude)
    }

    /// Decimal digits without a leading zero (unless the number is 0), up
    /// to the first byte that is not a digit: an integer's magnitude, or a
    /// number inside a string (a clock stamp's wall time and counter).
    mutating func natural() throws(NotCanonical) -> UInt64 {
        let start = position
        var magnitude: UInt64 = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw NotCanonical() }
            magnitude = sum
            position += 1
        }
        let digits = position - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { throw NotCanonical() }
        return magnitude
    }

    /// A clock stamp, `"WALL:COUNTER:REPLICA"`, exactly as ``HLCTimestamp``
    /// describes itself: read in place, without splitting a string.
    public mutating func stamp() throws(NotCanonical) -> HLCTimestamp {
        try expect(UInt8(ascii: "\""))
        let wall = try natural()
        guard wall <= UInt64(InputBounds.maxWallMillis) else { throw NotCanonical() }
        try expect(UInt8(ascii: ":"))
        let counter = try natural()
        guard counter <= UInt64(UInt32.max) else { throw NotCanonical() }
        try expect(UInt8(ascii: ":"))
        // The replica: the rest of the string (identifiers hold no quote).
        position -= 1
        let range = try stringRange(opening: UInt8(ascii: ":"))
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        guard let replica = ReplicaID(rawValue: text), replica.rawValue == text else { throw NotCanonical() }
        return HLCTimestamp(wallMillis: Int64(wall), counter: UInt32(counter), replica: replica)
    }

    /// Consumes `null` if it is next.
    public mutating func consumeNull() -> Bool {
        literal("null")
    }

    public mutating func bool() throws(NotCanonical) -> Bool {
        if literal("true") { return true }
        if literal("false") { return false }
        throw NotCanonical()
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            for index in 0..<length where bytes[position + index] != expected[index] { return false }
            return true
        }
        if matches { position += length }
        return matches
    }

    /// A validated string type (an identifier, a currency) from a string.
    public mutating func value<T: ValidatedString>(_ type: T.Type) throws(NotCanonical) -> T {
        let text = try string()
        // A value the type would rewrite (a card number with spaces) is not
        // canonical: the full decoder handles it.
        guard let value = T(rawValue: text), value.rawValue == text else { throw NotCanonical() }
        return value
    }

    /// An RFC 3339 time written as ``RFC3339/format(_:)`` writes it:
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, years 1970 to 9999.
    public mutating func time() throws(NotCanonical) -> Int64 {
        let range = try stringRange()
        guard range.count == 24 else { throw NotCanonical() }
        let base = range.lowerBound
        func digits(_ offset: Int, _ count: Int) throws(NotCanonical) -> Int64 {
            var value: Int64 = 0
            for index in offset..<(offset + count) {
                let byte = bytes[base + index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw NotCanonical() }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func separator(_ offset: Int, _ byte: UInt8) throws(NotCanonical) {
            guard bytes[base + offset] == byte else { throw NotCanonical() }
        }
        try separator(4, UInt8(ascii: "-"))
        try separator(7, UInt8(ascii: "-"))
        try separator(10, UInt8(ascii: "T"))
        try separator(13, UInt8(ascii: ":"))
        try separator(16, UInt8(ascii: ":"))
        try separator(19, UInt8(ascii: "."))
        try separator(23, UInt8(ascii: "Z"))
        let (year, month, day) = (try digits(0, 4), try digits(5, 2), try digits(8, 2))
        let (hour, minute, second, milli) = (try digits(11, 2), try digits(14, 2), try digits(17, 2), try digits(20, 3))
        guard year >= 1970, (1...12).contains(month), day >= 1, day <= RFC3339.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { throw NotCanonical() }
        let days = RFC3339.daysSince1970(year: year, month: month, day: day)
        return ((days * 86_400 + hour * 3600 + minute * 60 + second) * 1000) + milli
    }
}

extension RFC3339 {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
    /// `days_from_civil`), the inverse of ``civilDate(daysSince1970:)``.
    static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear.floorDivided(by: 400).quotient
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
