import Crypto
public import Foundation

/// The hash that links a terminal's journal entries (see ``JournalEntry``).
///
/// It is taken over an entry's canonical encoding (``WireCoding``: sorted keys,
/// no whitespace), the bytes the agent stores and pushes, so the agent and the
/// hub compute the same value for the same entry without exchanging it.
public enum ChainHash {
    /// Lowercase hex SHA-256 of `bytes`.
    public static func of(_ bytes: Data) -> String {
        let digest = SHA256.hash(data: bytes)
        // Hashed for every entry a terminal records and the hub receives: hex
        // digits written straight into the string's storage.
        return String(unsafeUninitializedCapacity: 64) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = hexDigits[Int(byte >> 4)]
                buffer[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return 64
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The hash of `entry` as it is stored and sent.
    public static func of(_ entry: JournalEntry) throws -> String {
        of(try entry.canonicalBytes())
    }

    static func isWellFormed(_ hash: String) -> Bool {
        hash.utf8.count == 64 && hash.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }
}
