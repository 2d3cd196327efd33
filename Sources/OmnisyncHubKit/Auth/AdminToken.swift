import Foundation

/// The token that admin endpoints (`/v1/admin/...`, `/metrics`) require.
///
/// Generated on the hub's first start into `DIR/admin-token`, readable only by
/// the hub's user, so that whoever can read it already has the hub's data.
public enum AdminToken {
    /// Reads the admin token, creating it if the data dir has none yet.
    public static func loadOrCreate(_ directory: HubDataDirectory) throws(HubError) -> String {
        if let existing = try read(directory) { return existing }
        try directory.create()
        let token = "osa_" + TerminalToken.generate().dropFirst(4)
        try HubDataDirectory.write(Data((token + "\n").utf8), to: directory.adminTokenPath, permissions: 0o600)
        return token
    }

    /// The admin token, or nil when none was generated yet.
    public static func read(_ directory: HubDataDirectory) throws(HubError) -> String? {
        guard FileManager.default.fileExists(atPath: directory.adminTokenPath) else { return nil }
        guard let data = FileManager.default.contents(atPath: directory.adminTokenPath) else {
            throw HubError(.configuration, "cannot read \(directory.adminTokenPath): check its owner and permissions")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw HubError(.configuration, "\(directory.adminTokenPath) is empty; delete it and restart the hub") }
        return token
    }
}
