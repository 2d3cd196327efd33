public import Foundation
public import NIOSSL

/// Where the hub's TLS certificate and key come from.
public enum HubTLSSource: Sendable, Hashable {
    /// Certificate chain and key files given by the operator (production).
    case files(certificateChain: String, privateKey: String)
    /// The development CA in the data dir, generated on first start.
    case development(extraHostnames: [String])
}

/// What ``HubTLS/ensureDevelopmentMaterial(_:extraHostnames:now:)`` did.
public enum DevelopmentMaterialAction: Sendable, Hashable {
    /// A new CA and server certificate (first start).
    case created
    /// The server certificate is valid well past the renewal window.
    case kept(expiresAt: Date)
    /// The server certificate was missing, unreadable or about to expire, and
    /// a new one was issued by the existing CA.
    case renewed(previousExpiry: Date?)
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

    /// How long before its expiry the development server certificate is renewed.
    public static let renewalWindow: TimeInterval = 30 * 86400

    /// Makes sure `DIR/tls/` holds a usable development CA and server
    /// certificate:
    ///
    /// - nothing there: a new CA and a server certificate it signs;
    /// - the CA there: the server certificate is kept while it is readable and
    ///   valid for more than ``renewalWindow``, and otherwise re-issued from
    ///   the CA's key, so terminals that pin `ca.pem` keep trusting the hub;
    /// - the CA's certificate there without its key, and no usable server
    ///   certificate: an error. A new CA is never minted silently: it would
    ///   break every pinned terminal at once.
    ///
    /// - Returns: what it did, for the log.
    @discardableResult
    public static func ensureDevelopmentMaterial(_ directory: HubDataDirectory, extraHostnames: [String] = [], now: Date = Date()) throws(HubError) -> DevelopmentMaterialAction {
        let manager = FileManager.default
        var hostnames = ["localhost", "127.0.0.1", "::1"]
        let host = ProcessInfo.processInfo.hostName
        if !host.isEmpty, !hostnames.contains(host) {
            hostnames.append(host)
        }
        hostnames.append(contentsOf: extraHostnames.filter { !hostnames.contains($0) })

        guard let caPEM = manager.contents(atPath: directory.caCertificatePath).map({ String(decoding: $0, as: UTF8.self) }) else {
            let remaining = ((try? manager.contentsOfDirectory(atPath: directory.tlsPath)) ?? []).filter { $0.hasSuffix(".pem") }
            if !remaining.isEmpty {
                throw HubError(
                    .configuration,
                    "\(directory.caCertificatePath) is missing but other development TLS files remain in \(directory.tlsPath): restore ca.pem from a backup, or delete \(directory.tlsPath) to start a new CA (then re-run `omnisync-agent init --ca-file` on every terminal)"
                )
            }
            try directory.create()
            try HubDataDirectory.makeDirectory(directory.tlsPath)
            let material = try DevelopmentCertificateAuthority.generate(hostnames: hostnames, now: now)
            try HubDataDirectory.write(Data(material.caKeyPEM.utf8), to: directory.caKeyPath, permissions: 0o600)
            try HubDataDirectory.write(Data(material.serverKeyPEM.utf8), to: directory.serverKeyPath, permissions: 0o600)
            try HubDataDirectory.write(Data(material.serverCertificatePEM.utf8), to: directory.serverCertificatePath, permissions: 0o644)
            // Written last: its presence means the set is complete.
            try HubDataDirectory.write(Data(material.caCertificatePEM.utf8), to: directory.caCertificatePath, permissions: 0o644)
            return .created
        }
        try HubDataDirectory.makeDirectory(directory.tlsPath)
        let serverPEM = manager.contents(atPath: directory.serverCertificatePath).map { String(decoding: $0, as: UTF8.self) }
        let expiry = serverPEM.flatMap(DevelopmentCertificateAuthority.expiry(ofPEM:))
        let keyPresent = manager.fileExists(atPath: directory.serverKeyPath)
        if let expiry, keyPresent, expiry.timeIntervalSince(now) > renewalWindow {
            return .kept(expiresAt: expiry)
        }
        guard let caKeyPEM = manager.contents(atPath: directory.caKeyPath).map({ String(decoding: $0, as: UTF8.self) }) else {
            if let expiry, keyPresent, expiry > now { return .kept(expiresAt: expiry) }
            throw HubError(
                .configuration,
                "the development server certificate in \(directory.tlsPath) is missing or expired and the CA key (ca-key.pem) is gone, so it cannot be renewed: restore ca-key.pem from a backup, or pass --tls-cert/--tls-key; a new CA is not made on its own, since every terminal pins the current one"
            )
        }
        let renewed = try DevelopmentCertificateAuthority.issueServerCertificate(hostnames: hostnames, caCertificatePEM: caPEM, caKeyPEM: caKeyPEM, now: now)
        try HubDataDirectory.write(Data(renewed.keyPEM.utf8), to: directory.serverKeyPath, permissions: 0o600)
        try HubDataDirectory.write(Data(renewed.certificatePEM.utf8), to: directory.serverCertificatePath, permissions: 0o644)
        return .renewed(previousExpiry: expiry)
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
