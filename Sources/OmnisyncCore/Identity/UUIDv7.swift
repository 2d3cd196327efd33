/// Time-ordered unique identifiers (RFC 9562 UUID version 7).
///
/// Terminals mint customer and entry ids while offline; 74 random bits make a
/// collision between terminals negligible, and the millisecond prefix keeps ids
/// roughly in creation order, which keeps B-tree inserts cheap.
public enum UUIDv7 {
    /// Makes a lowercase, hyphenated UUIDv7 string.
    ///
    /// - Parameters:
    ///   - unixMillis: milliseconds since 1970, from the caller's clock.
    ///   - generator: the source of the random bits.
    public static func make(unixMillis: Int64, using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let millis = UInt64(max(0, unixMillis)) & 0xFFFF_FFFF_FFFF
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index)))
        }
        let random1 = generator.next() as UInt64
        let random2 = generator.next() as UInt64
        for index in 6..<16 {
            let source = index < 14 ? random1 : random2
            bytes[index] = UInt8(truncatingIfNeeded: source >> (8 * (index % 8)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        // Minted for every entry a till records: hex digits and dashes
        // written straight into the string's storage (8-4-4-4-12).
        let digits = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                buffer[position] = digits[Int(byte >> 4)]
                buffer[position + 1] = digits[Int(byte & 0x0F)]
                position += 2
            }
            return position
        }
    }
}
