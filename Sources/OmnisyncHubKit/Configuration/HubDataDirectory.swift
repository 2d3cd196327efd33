public import Foundation
import OmnisyncStorage

/// The hub's files, all under one directory.
///
/// - `hub.sqlite`: the embedded database (unless `--database` names another);
/// - `tls/ca.pem`: the development CA agents pin (`omnisync-agent init --ca-file`);
/// - `tls/ca-key.pem`, `tls/server.pem`, `tls/server-key.pem`: the rest of the
///   development TLS material, generated on first start;
/// - `admin-token`: the token admin endpoints require, owner-only.
public struct HubDataDirectory: Sendable, Hashable {
    public static let defaultPath = "/var/lib/omnisync-hub"
    public static let environmentVariable = "OMNISYNC_HUB_DATA_DIR"

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The data dir named by a flag, else by `$OMNISYNC_HUB_DATA_DIR`, else the default.
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> HubDataDirectory {
        HubDataDirectory(path: DataDirectoryLocation.resolve(
            flag: flag, environmentVariable: environmentVariable, defaultPath: defaultPath, environment: environment
        ))
    }

    public var databasePath: String { path + "/hub.sqlite" }
    public var tlsPath: String { path + "/tls" }
    public var caCertificatePath: String { tlsPath + "/ca.pem" }
    public var caKeyPath: String { tlsPath + "/ca-key.pem" }
    public var serverCertificatePath: String { tlsPath + "/server.pem" }
    public var serverKeyPath: String { tlsPath + "/server-key.pem" }
    public var adminTokenPath: String { path + "/admin-token" }

    /// Creates the directory owner-only if it is missing.
    public func create() throws(HubError) {
        try Self.makeDirectory(path)
    }

    /// Creates `path` owner-only (0700), or makes it so if it already
    /// existed wider: it holds the database, keys and tokens.
    static func makeDirectory(_ path: String) throws(HubError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch {
            throw HubError(.configuration, "cannot create \(path) owner-only: \(error.localizedDescription)")
        }
    }

    /// Writes a file atomically with the given permissions.
    public static func write(_ contents: Data, to file: String, permissions: Int) throws(HubError) {
        do {
            try AtomicFile.write(contents, to: file, permissions: permissions)
        } catch {
            throw HubError(.configuration, "cannot write \(file): \(error.localizedDescription)")
        }
    }
}
