import Crypto
public import Foundation

/// The dashboard's sign-in, without server-side state: a cookie value (or a
/// short-lived sign-in ticket) is an expiry time signed with the admin token.
///
/// Nothing to store means replicas on one database accept each other's
/// sessions (they share the admin token), a restart keeps people signed in,
/// and rotating the admin token signs everyone out. The signature binds the
/// purpose, so a ticket is not a session and neither is a form token.
public enum DashboardSession {
    /// The cookie that carries a session.
    public static let cookieName = "omnisync_dashboard"
    /// A working day: long enough not to annoy, short enough that a forgotten
    /// laptop does not stay signed in for good.
    public static let sessionLifetime: TimeInterval = 12 * 3600
    /// A sign-in link (`omnisync-hub dashboard link`) is for opening now.
    public static let ticketLifetime: TimeInterval = 300

    public enum Purpose: String, Sendable {
        case session, ticket
    }

    /// A signed value for `purpose`, valid until `now + lifetime`.
    public static func issue(_ purpose: Purpose, adminToken: String, now: Date, lifetime: TimeInterval? = nil) -> String {
        let expiry = Int64((now.timeIntervalSince1970 + (lifetime ?? defaultLifetime(purpose))).rounded(.down))
        return "\(expiry).\(signature(purpose, expiry: expiry, adminToken: adminToken))"
    }

    /// True when `value` was issued for `purpose` with this admin token and has not expired.
    public static func isValid(_ value: String, for purpose: Purpose, adminToken: String, now: Date) -> Bool {
        let parts = value.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let expiry = Int64(parts[0]), Double(expiry) > now.timeIntervalSince1970 else { return false }
        let expected = signature(purpose, expiry: expiry, adminToken: adminToken)
        return TerminalToken.constantTimeEquals(String(parts[1]), expected)
    }

    /// The token every form of the session carries, so another site cannot
    /// make a signed-in browser post to the dashboard (on top of SameSite=Strict).
    public static func formToken(for session: String, adminToken: String) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Data("form|\(session)".utf8), using: SymmetricKey(data: Data(adminToken.utf8))))
    }

    /// The `Set-Cookie` value that starts a session.
    static func cookie(_ session: String) -> String {
        "\(cookieName)=\(session); Path=/dashboard; Max-Age=\(Int(sessionLifetime)); HttpOnly; Secure; SameSite=Strict"
    }

    /// The `Set-Cookie` value that ends it.
    static let clearingCookie = "\(cookieName)=; Path=/dashboard; Max-Age=0; HttpOnly; Secure; SameSite=Strict"

    private static func defaultLifetime(_ purpose: Purpose) -> TimeInterval {
        switch purpose {
        case .session: sessionLifetime
        case .ticket: ticketLifetime
        }
    }

    private static func signature(_ purpose: Purpose, expiry: Int64, adminToken: String) -> String {
        let message = Data("omnisync-dashboard|\(purpose.rawValue)|\(expiry)".utf8)
        return hex(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(adminToken.utf8))))
    }

    private static func hex(_ code: some Sequence<UInt8>) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }
}
