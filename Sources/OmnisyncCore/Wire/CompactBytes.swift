/// A minimal binary encoding for state that only Omnisync reads back: the
/// hub's stored merge state (``ProfileState/compactBytes``).
///
/// Unsigned integers are LEB128 varints, signed ones zigzag varints, strings
/// a varint length and their UTF-8 bytes. No field names, no escaping, no
/// floating point: writing and reading are a loop over bytes, with none of
/// the Codable machinery that made JSON the largest cost of a push. The
/// layout of each type is fixed by its writer and reader, behind a leading
/// version byte.
public struct CompactWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    public mutating func unsigned(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func count(_ value: Int) {
        unsigned(UInt64(value))
    }

    public mutating func signed(_ value: Int64) {
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func string(_ value: String) {
        var text = value
        text.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }
}

/// Reads what ``CompactWriter`` wrote; throws on bytes that end early or
/// hold values their type refuses (a damaged row), never traps.
public struct CompactReader {
    /// The stored bytes are damaged or of an unknown version.
    public struct Damaged: Error, CustomStringConvertible {
        public var description: String { "stored state is damaged or of an unknown version" }
    }

    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var isAtEnd: Bool { position == bytes.count }

    public mutating func byte() throws(Damaged) -> UInt8 {
        guard position < bytes.count else { throw Damaged() }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func unsigned() throws(Damaged) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Damaged() }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    /// A count of items that follow, bounded by the bytes left (each item
    /// takes at least one), so damage cannot ask for a huge allocation.
    public mutating func count() throws(Damaged) -> Int {
        let value = try unsigned()
        guard value <= UInt64(bytes.count - position) else { throw Damaged() }
        return Int(value)
    }

    public mutating func signed() throws(Damaged) -> Int64 {
        let raw = try unsigned()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func string() throws(Damaged) -> String {
        let length = try count()
        defer { position += length }
        return String(decoding: bytes[position..<(position + length)], as: UTF8.self)
    }

    /// A validated string type, refusing a value the type refuses.
    public mutating func value<T: RawRepresentable>(_ type: T.Type) throws(Damaged) -> T where T.RawValue == String {
        guard let value = T(rawValue: try string()) else { throw Damaged() }
        return value
    }
}
