import Crypto
import Foundation

/// Terminal tokens: random bearer secrets, stored only as hashes.
///
/// A token is `ost_` followed by 32 random bytes in base64url: with 256 bits
/// of entropy a fast hash is enough (no dictionary to attack), and SHA-256
/// lets the hub find a terminal by its token's hash with one index lookup.
/// A stolen hub database therefore yields no usable token.
public enum TerminalToken {
    /// A new token, to be printed once and never stored.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "ost_" + Data(bytes).base64URLEncoded()
    }

    /// The hex SHA-256 of a token, as the hub stores and looks it up.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    /// Compares two strings in time independent of where they differ, so a
    /// remote caller cannot learn a secret byte by byte from response times.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}

extension Data {
    func base64URLEncoded() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
