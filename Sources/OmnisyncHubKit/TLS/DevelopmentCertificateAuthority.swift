import Crypto
public import Foundation
import SwiftASN1
import X509
#if canImport(Glibc)
import Glibc
#endif

/// A private CA generated on the hub's first start, so that a small chain gets
/// HTTPS without buying certificates: agents pin `DIR/tls/ca.pem` with
/// `omnisync-agent init --ca-file`.
///
/// Production deployments pass real certificates (`serve --tls-cert/--tls-key`)
/// instead. Keys are ECDSA P-256; the CA is valid for ten years, the server
/// certificate for two, and names `localhost`, the loopback addresses, the
/// machine's host name and any extra names given.
public enum DevelopmentCertificateAuthority {
    /// PEM texts of a CA and of a server certificate it signed.
    public struct Material: Sendable {
        public var caCertificatePEM: String
        public var caKeyPEM: String
        public var serverCertificatePEM: String
        public var serverKeyPEM: String
    }

    /// Makes a new CA and a server certificate for `hostnames` (DNS names or IP addresses).
    public static func generate(hostnames: [String], now: Date = Date()) throws(HubError) -> Material {
        let (caCertificatePEM, caKeyPEM) = try makeAuthority(now: now)
        let server = try issueServerCertificate(hostnames: hostnames, caCertificatePEM: caCertificatePEM, caKeyPEM: caKeyPEM, now: now)
        return Material(caCertificatePEM: caCertificatePEM, caKeyPEM: caKeyPEM, serverCertificatePEM: server.certificatePEM, serverKeyPEM: server.keyPEM)
    }

    /// A new CA, valid ten years: its certificate and key in PEM.
    static func makeAuthority(now: Date) throws(HubError) -> (certificatePEM: String, keyPEM: String) {
        do {
            let caKey = P256.Signing.PrivateKey()
            // A unique name per CA: TLS stacks look issuers up by name, and two
            // hubs' CAs sharing one would turn "not signed by the pinned CA"
            // into a confusing signature error.
            let caName = try DistinguishedName {
                OrganizationName("Omnisync")
                CommonName("Omnisync hub development CA \(uniqueSuffix())")
            }
            let caCertificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: .init(caKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
                issuer: caName,
                subject: caName,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                },
                issuerPrivateKey: .init(caKey)
            )
            return (try caCertificate.serializeAsPEM().pemString, caKey.pemRepresentation)
        } catch {
            throw HubError(.configuration, "cannot generate the development CA: \(error)")
        }
    }

    /// A server certificate for `hostnames`, valid two years, signed by the
    /// existing CA: renewing it never changes the CA terminals pin.
    public static func issueServerCertificate(
        hostnames: [String], caCertificatePEM: String, caKeyPEM: String, now: Date = Date()
    ) throws(HubError) -> ClientCredential {
        do {
            let caCertificate = try Certificate(pemEncoded: caCertificatePEM)
            let caKey = try P256.Signing.PrivateKey(pemRepresentation: caKeyPEM)
            let serverKey = P256.Signing.PrivateKey()
            let serverName = try DistinguishedName {
                OrganizationName("Omnisync")
                CommonName(hostnames.first ?? "localhost")
            }
            let serverCertificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: .init(serverKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: min(now.addingTimeInterval(2 * 365 * 86400), caCertificate.notValidAfter),
                issuer: caCertificate.subject,
                subject: serverName,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(hostnames.map(generalName))
                },
                issuerPrivateKey: .init(caKey)
            )
            return ClientCredential(certificatePEM: try serverCertificate.serializeAsPEM().pemString, keyPEM: serverKey.pemRepresentation)
        } catch {
            throw HubError(.configuration, "cannot issue a server certificate with the development CA: \(error)")
        }
    }

    /// When the PEM certificate stops being valid; nil if it cannot be read.
    public static func expiry(ofPEM pem: String) -> Date? {
        (try? Certificate(pemEncoded: pem))?.notValidAfter
    }

    /// A certificate and its key, in PEM (a terminal's client certificate,
    /// or the hub's server certificate).
    public struct ClientCredential: Sendable {
        public var certificatePEM: String
        public var keyPEM: String
    }

    /// Signs a client certificate for mutual TLS with the development CA.
    ///
    /// The common name is `name`: for a terminal, its id, which the hub checks
    /// against the terminal's token on every request. The certificate allows
    /// client authentication only, so it cannot serve as a hub certificate.
    public static func issueClientCertificate(
        name: String, caCertificatePEM: String, caKeyPEM: String, validFor days: Int, now: Date = Date()
    ) throws(HubError) -> ClientCredential {
        do {
            let caCertificate = try Certificate(pemEncoded: caCertificatePEM)
            let caKey = try P256.Signing.PrivateKey(pemRepresentation: caKeyPEM)
            let clientKey = P256.Signing.PrivateKey()
            let subject = try DistinguishedName {
                OrganizationName("Omnisync")
                CommonName(name)
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: .init(clientKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(Double(days) * 86400),
                issuer: caCertificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.clientAuth])
                },
                issuerPrivateKey: .init(caKey)
            )
            return ClientCredential(certificatePEM: try certificate.serializeAsPEM().pemString, keyPEM: clientKey.pemRepresentation)
        } catch {
            throw HubError(.configuration, "cannot issue a client certificate with the development CA: \(error)")
        }
    }

    /// The last common name in a certificate's subject, or nil.
    public static func commonName(ofDER der: [UInt8]) -> String? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        var name: String?
        for relativeName in certificate.subject {
            for attribute in relativeName where attribute.type == .RDNAttributeType.commonName {
                name = String(attribute.value)
            }
        }
        return name
    }

    /// Eight random hex digits.
    static func uniqueSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt32, radix: 16)
    }

    /// An IP address SAN for dotted or colon notation, a DNS name otherwise.
    static func generalName(_ host: String) -> GeneralName {
        if let bytes = ipv4Bytes(host) ?? ipv6Bytes(host) {
            return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
        }
        return .dnsName(host)
    }

    static func ipv4Bytes(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    static func ipv6Bytes(_ host: String) -> [UInt8]? {
        guard host.contains(":") else { return nil }
        var address = in6_addr()
        guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}
