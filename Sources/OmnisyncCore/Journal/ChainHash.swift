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
        SHA256.hash(data: bytes).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    /// The hash of `entry` as it is stored and sent.
    public static func of(_ entry: JournalEntry) throws -> String {
        of(try WireCoding.encode(entry))
    }

    static func isWellFormed(_ hash: String) -> Bool {
        hash.utf8.count == 64 && hash.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }
}
