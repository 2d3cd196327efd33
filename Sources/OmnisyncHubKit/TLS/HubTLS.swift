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
    ///
    /// With `clientCA`, the hub asks every client for a certificate and
    /// refuses the TLS handshake unless one chaining to that CA is presented
    /// (mutual TLS): a stolen token alone then no longer opens the door. Which
    /// terminal a certificate belongs to is checked per request, against the
    /// token, by ``TerminalAuthenticator``.
    public static func serverConfiguration(_ source: HubTLSSource, clientCA: String? = nil, directory: HubDataDirectory) throws(HubError) -> TLSConfiguration {
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
            if let clientCA {
                try requireClientCertificates(&configuration, signedBy: clientCA)
            }
            return configuration
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError(.configuration, "cannot load TLS certificate \(certificatePath) / key \(keyPath): \(error)")
        }
    }

    /// Makes the handshake fail unless the client presents a certificate that
    /// chains to the CA(s) in `caFile`. Host names are not checked: clients
    /// have none; their identity is the certificate's common name.
    static func requireClientCertificates(_ configuration: inout TLSConfiguration, signedBy caFile: String) throws(HubError) {
        let authorities: [NIOSSLCertificate]
        do {
            authorities = try NIOSSLCertificate.fromPEMFile(caFile)
        } catch {
            throw HubError(.configuration, "cannot load the client CA \(caFile): \(error)")
        }
        guard !authorities.isEmpty else {
            throw HubError(.configuration, "the client CA file \(caFile) holds no PEM certificate")
        }
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(authorities)
        // Tells clients which CA to pick a certificate for.
        configuration.sendCANameList = true
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

    /// Issues a client certificate named `name` from the development CA in
    /// `DIR/tls/`, for hubs that require client certificates.
    public static func issueClientCertificate(_ directory: HubDataDirectory, name: String, validFor days: Int) throws(HubError) -> DevelopmentCertificateAuthority.ClientCredential {
        guard let caPEM = FileManager.default.contents(atPath: directory.caCertificatePath),
            let caKeyPEM = FileManager.default.contents(atPath: directory.caKeyPath)
        else {
            throw HubError(
                .configuration,
                "no development CA in \(directory.tlsPath) (start `omnisync-hub serve` once to create it, or issue client certificates with your own CA, common name = terminal id)"
            )
        }
        return try DevelopmentCertificateAuthority.issueClientCertificate(
            name: name, caCertificatePEM: String(decoding: caPEM, as: UTF8.self), caKeyPEM: String(decoding: caKeyPEM, as: UTF8.self), validFor: days
        )
    }
}
