import Foundation
public import NIOSSL

/// Where the hub's TLS certificate and key come from.
public enum HubTLSSource: Sendable, Hashable {
    /// Certificate chain and key files given by the operator (production).
    case files(certificateChain: String, privateKey: String)
    /// The development CA in the data dir, generated on first start.
    case development(extraHostnames: [String])
}

/// Builds the hub's server TLS configuration.
public enum HubTLS {
    /// Loads the configured certificate, generating the development CA and
    /// server certificate into `DIR/tls/` when they do not exist yet.
    public static func serverConfiguration(_ source: HubTLSSource, directory: HubDataDirectory) throws(HubError) -> TLSConfiguration {
        let certificatePath: String
        let keyPath: String
        switch source {
        case .files(let chain, let key):
            certificatePath = chain
            keyPath = key
        case .development(let extraHostnames):
            try ensureDevelopmentMaterial(directory, extraHostnames: extraHostnames)
            certificatePath = directory.serverCertificatePath
            keyPath = directory.serverKeyPath
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key)
            )
            configuration.minimumTLSVersion = .tlsv12
            return configuration
        } catch {
            throw HubError(.configuration, "cannot load TLS certificate \(certificatePath) / key \(keyPath): \(error)")
        }
    }

    /// Writes `DIR/tls/{ca,ca-key,server,server-key}.pem` unless the CA exists.
    public static func ensureDevelopmentMaterial(_ directory: HubDataDirectory, extraHostnames: [String] = []) throws(HubError) {
        let files = [directory.caCertificatePath, directory.serverCertificatePath, directory.serverKeyPath]
        if files.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) { return }
        try directory.create()
        try HubDataDirectory.makeDirectory(directory.tlsPath)
        var hostnames = ["localhost", "127.0.0.1", "::1"]
        let host = ProcessInfo.processInfo.hostName
        if !host.isEmpty, !hostnames.contains(host) {
            hostnames.append(host)
        }
        hostnames.append(contentsOf: extraHostnames.filter { !hostnames.contains($0) })
        let material = try DevelopmentCertificateAuthority.generate(hostnames: hostnames)
        try HubDataDirectory.write(Data(material.caKeyPEM.utf8), to: directory.caKeyPath, permissions: 0o600)
        try HubDataDirectory.write(Data(material.serverKeyPEM.utf8), to: directory.serverKeyPath, permissions: 0o600)
        try HubDataDirectory.write(Data(material.serverCertificatePEM.utf8), to: directory.serverCertificatePath, permissions: 0o644)
        // Written last: its presence means the set is complete.
        try HubDataDirectory.write(Data(material.caCertificatePEM.utf8), to: directory.caCertificatePath, permissions: 0o644)
    }
}
