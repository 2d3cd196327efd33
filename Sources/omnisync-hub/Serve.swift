import ArgumentParser
import Foundation
import Logging
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the hub's HTTPS server until SIGTERM or SIGINT.",
        discussion: """
            Without --tls-cert/--tls-key, a development CA and server certificate are generated into DIR/tls on \
            first start; agents pin DIR/tls/ca.pem (`omnisync-agent init --ca-file`). An admin token is written \
            to DIR/admin-token. Once listening, prints `listening on https://HOST:PORT` on standard output.
            """
    )

    @OptionGroup var hub: HubOptions

    @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free port.", valueName: "HOST:PORT"))
    var listen: String = "0.0.0.0:8443"

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain (production).", valueName: "FILE"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "FILE"))
    var tlsKey: String?

    @Option(name: .customLong("tls-hostname"), help: ArgumentHelp(
        "Extra name or IP for the development certificate (repeatable); used when it is first generated.",
        valueName: "NAME"))
    var tlsHostnames: [String] = []

    @Option(name: .customLong("client-ca"), help: ArgumentHelp(
        "Require client certificates (mutual TLS) chaining to this PEM CA; each must name its terminal (common name = terminal id).",
        valueName: "FILE"))
    var clientCA: String?

    @Flag(name: .customLong("require-client-certificate"), help: ArgumentHelp(
        "Require client certificates from the development CA (DIR/tls/ca.pem); issue them with `omnisync-hub certificates issue TERMINAL`."))
    var requireClientCertificate = false

    @Flag(name: .customLong("insecure-http"), help: "Serve plain HTTP, only behind a proxy that terminates TLS.")
    var insecureHTTP = false

    @Option(name: .customLong("max-connections"), help: ArgumentHelp(
        "Open connections at most; more are closed on arrival (default 4096, fewer if the process may open fewer files).", valueName: "N"))
    var maxConnections: Int?

    @Option(name: .customLong("tls-handshake-timeout"), help: ArgumentHelp("Seconds a client has to finish the TLS handshake.", valueName: "SECONDS"))
    var tlsHandshakeTimeout: Double = 10

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a connection may stay open without a request in progress.", valueName: "SECONDS"))
    var idleTimeout: Double = 30

    @Option(name: .customLong("recompute-interval"), help: ArgumentHelp("Seconds between scorings of every customer (`omnisync-hub recompute`); 0: never while serving.", valueName: "SECONDS"))
    var recomputeInterval: Double = 3600

    func validate() throws {
        guard recomputeInterval == 0 || (1...604_800).contains(recomputeInterval) else {
            throw ValidationError("--recompute-interval must be 0 (never) or between 1 and 604800 seconds")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard !(insecureHTTP && (clientCA != nil || requireClientCertificate)) else {
            throw ValidationError("client certificates need TLS: drop --insecure-http, or let the TLS-terminating proxy check them")
        }
        guard !(requireClientCertificate && tlsCertificate != nil && clientCA == nil) else {
            throw ValidationError("with --tls-cert, name the CA that signs client certificates with --client-ca FILE")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        for (name, value) in [("--tls-handshake-timeout", tlsHandshakeTimeout), ("--idle-timeout", idleTimeout)] where !(0.1...3600).contains(value) {
            throw ValidationError("\(name) must be between 0.1 and 3600 seconds")
        }
        guard ListenAddress(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 0.0.0.0:8443 (got '\(listen)')")
        }
    }

    func run() async throws {
        LogSetup.bootstrap(defaultLevel: .info, environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "omnisync.hub")
        try await reportingFailures(program: "omnisync-hub") {
            let address = ListenAddress(listen)!
            let directory = hub.directory
            let store = try await hub.openStore()
            try directory.create()
            let adminToken = try AdminToken.loadOrCreate(directory)
            if !insecureHTTP && tlsCertificate == nil {
                switch try HubTLS.ensureDevelopmentMaterial(directory, extraHostnames: tlsHostnames) {
                case .created:
                    logger.notice("development CA created; terminals pin it with `omnisync-agent init --ca-file`", metadata: ["ca": "\(directory.caCertificatePath)"])
                case .renewed(let previousExpiry):
                    logger.notice("development server certificate re-issued by the existing CA", metadata: [
                        "previousExpiry": "\(previousExpiry.map(RFC3339.format) ?? "none")",
                    ])
                case .kept(let expiresAt):
                    logger.info("development server certificate in use", metadata: ["expires": "\(RFC3339.format(expiresAt))"])
                }
            }
            let tls = try insecureHTTP ? nil : HubTLS.serverConfiguration(
                // The development material was made sure of just above: load it as files.
                tlsCertificate.map { .files(certificateChain: $0, privateKey: tlsKey!) }
                    ?? .files(certificateChain: directory.serverCertificatePath, privateKey: directory.serverKeyPath),
                clientCA: clientCA ?? (requireClientCertificate ? directory.caCertificatePath : nil),
                directory: directory
            )
            let scheme = tls == nil ? "http" : "https"
            try await HubServer.run(
                store: store,
                adminToken: adminToken,
                configuration: .init(host: address.host, port: address.port, tls: tls, limits: ConnectionLimits(
                    maxConnections: maxConnections ?? FileLimit.raiseAndFit(ConnectionLimits().maxConnections),
                    tlsHandshakeTimeout: .milliseconds(Int64(tlsHandshakeTimeout * 1000)),
                    idleTimeout: .milliseconds(Int64(idleTimeout * 1000))
                ), recomputeInterval: recomputeInterval == 0 ? nil : .milliseconds(Int64(recomputeInterval * 1000))),
                logger: logger,
                onListening: { port in
                    // Scripts and tests wait for this line to know the hub is up.
                    Output.line("listening on \(scheme)://\(address.displayHost):\(port)")
                }
            )
        }
    }
}

/// `HOST:PORT`, with IPv6 hosts in brackets (`[::1]:8443`).
struct ListenAddress {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }

    /// The host as it appears in a URL.
    var displayHost: String { host.contains(":") ? "[\(host)]" : host }
}
