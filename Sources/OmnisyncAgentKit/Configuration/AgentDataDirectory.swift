public import Foundation
import OmnisyncStorage

/// The files of one agent installation, all under a single directory.
///
/// - `journal.sqlite` (+ `-wal`, `-shm`): journal, local profiles, sync state;
/// - `token`: the terminal's hub token, owner-only;
/// - `hub-ca.pem`: the CA the hub's certificate must chain to, when pinned;
/// - `client-cert.pem`, `client-key.pem` (owner-only): the terminal's
///   certificate for hubs that require mutual TLS, when given to `init`;
/// - `sync.lock`: serialises sync rounds between `run` and `sync`;
/// - `agent.sock`: the local API's Unix socket while `run` runs.
///
/// The directory is created owner-only (0700): it holds personal data and a
/// credential.
public struct AgentDataDirectory: Sendable, Hashable {
    /// Where the agent keeps its data when neither `--data-dir` nor the
    /// environment says otherwise.
    public static let defaultPath = "/var/lib/omnisync-agent"
    /// The environment variable that names the data dir.
    public static let environmentVariable = "OMNISYNC_AGENT_DATA_DIR"

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The data dir named by a flag, else by `$OMNISYNC_AGENT_DATA_DIR`, else the default.
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> AgentDataDirectory {
        AgentDataDirectory(path: DataDirectoryLocation.resolve(
            flag: flag, environmentVariable: environmentVariable, defaultPath: defaultPath, environment: environment
        ))
    }

    public var databasePath: String { path + "/journal.sqlite" }
    public var tokenPath: String { path + "/token" }
    public var pinnedCAPath: String { path + "/hub-ca.pem" }
    public var syncLockPath: String { path + "/sync.lock" }
    public var clientCertificatePath: String { path + "/client-cert.pem" }
    public var clientKeyPath: String { path + "/client-key.pem" }
    public var socketPath: String { path + "/agent.sock" }

    /// True when `init` has run here (the database exists).
    public var isInitialized: Bool { FileManager.default.fileExists(atPath: databasePath) }

    /// Creates the directory owner-only if missing, and tightens it if it exists.
    func create() throws(AgentError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch {
            throw AgentError(.storage, "cannot create data dir \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `contents` to `file` atomically with the given permissions, so a
    /// crash never leaves half a token or certificate behind.
    func writeFile(_ file: String, _ contents: Data, permissions: Int) throws(AgentError) {
        do {
            try AtomicFile.write(contents, to: file, permissions: permissions)
        } catch {
            throw AgentError(.storage, "cannot write \(file): \(error.localizedDescription)")
        }
    }

    /// The terminal's hub token.
    func readToken() throws(AgentError) -> String {
        guard let data = FileManager.default.contents(atPath: tokenPath),
            let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
        else {
            throw AgentError(.notInitialized, "no hub token in \(tokenPath); run `omnisync-agent init` again with --token")
        }
        return token
    }
}
