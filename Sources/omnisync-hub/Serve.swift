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

            Examples:
              omnisync-hub serve --data-dir /var/lib/omnisync-hub
              omnisync-hub serve --listen 0.0.0.0:8443 --database postgres://omnisync@db.example/omnisync
              omnisync-hub serve --tls-cert hub.pem --tls-key hub-key.pem --client-ca terminals-ca.pem
            """
    )

    @OptionGroup var hub: HubOptions

    @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free port (default: 0.0.0.0:8443).", valueName: "HOST:PORT"))
    var listen: String?

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

    @Option(name: .customLong("tls-handshake-timeout"), help: ArgumentHelp("Seconds a client has to finish the TLS handshake (default: 10).", valueName: "SECONDS"))
    var tlsHandshakeTimeout: Double?

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a connection may stay open without a request in progress (default: 30).", valueName: "SECONDS"))
    var idleTimeout: Double?

    @Option(name: .customLong("recompute-interval"), help: ArgumentHelp("Seconds between the scheduled passes: predictions (`omnisync-hub insight`, refitted once a day), scoring every customer (`omnisync-hub recompute`), campaign membership; 0: never while serving (default: 3600).", valueName: "SECONDS"))
    var recomputeInterval: Double?

    /// What `serve` runs with: each value from its flag, else the environment,
    /// else the settings file, else the default; checked together.
    struct Resolved {
        var listen: ListenAddress
        var tlsCertificate: String?
        var tlsKey: String?
        var tlsHostnames: [String]
        var clientCA: String?
        var requireClientCertificate: Bool
        var insecureHTTP: Bool
        var maxConnections: Int?
        var tlsHandshakeTimeout: Double
        var idleTimeout: Double
        var recomputeInterval: Double
        var logLevel: Logger.Level
    }

    func resolve(_ settings: SettingsSource) throws(SettingsError) -> Resolved {
        let from = settings.file.map { "; flags, environment and \($0) were read" } ?? ""
        let listenText = listen ?? settings.string("listen") ?? "0.0.0.0:8443"
        guard let address = ListenAddress(listenText) else {
            throw SettingsError("--listen must be HOST:PORT, e.g. 0.0.0.0:8443 (got '\(listenText)'; flag or setting listen)\(from)")
        }
        let resolved = Resolved(
            listen: address,
            tlsCertificate: tlsCertificate ?? settings.string("tlsCert"),
            tlsKey: tlsKey ?? settings.string("tlsKey"),
            tlsHostnames: tlsHostnames.isEmpty ? settings.strings("tlsHostnames") ?? [] : tlsHostnames,
            clientCA: clientCA ?? settings.string("clientCa"),
            requireClientCertificate: requireClientCertificate || settings.bool("requireClientCertificate") == true,
            insecureHTTP: insecureHTTP || settings.bool("insecureHttp") == true,
            maxConnections: maxConnections ?? settings.int("maxConnections"),
            tlsHandshakeTimeout: tlsHandshakeTimeout ?? settings.double("tlsHandshakeTimeout") ?? 10,
            idleTimeout: idleTimeout ?? settings.double("idleTimeout") ?? 30,
            recomputeInterval: recomputeInterval ?? settings.double("recomputeInterval") ?? 3600,
            logLevel: try LogSetup.level(setting: settings.string("logLevel"))
        )
        guard resolved.recomputeInterval == 0 || (1...604_800).contains(resolved.recomputeInterval) else {
            throw SettingsError("--recompute-interval must be 0 (never) or between 1 and 604800 seconds (flag or setting recomputeInterval)\(from)")
        }
        guard (resolved.tlsCertificate == nil) == (resolved.tlsKey == nil) else {
            throw SettingsError("--tls-cert and --tls-key go together (flags or settings tlsCert, tlsKey)\(from)")
        }
        guard !(resolved.insecureHTTP && (resolved.clientCA != nil || resolved.requireClientCertificate)) else {
            throw SettingsError("client certificates need TLS: drop --insecure-http (setting insecureHttp), or let the TLS-terminating proxy check them\(from)")
        }
        guard !(resolved.requireClientCertificate && resolved.tlsCertificate != nil && resolved.clientCA == nil) else {
            throw SettingsError("with --tls-cert, name the CA that signs client certificates with --client-ca (setting clientCa)\(from)")
        }
        if let maxConnections = resolved.maxConnections, maxConnections < 1 {
            throw SettingsError("--max-connections must be at least 1 (flag or setting maxConnections)\(from)")
        }
        for (name, key, value) in [("--tls-handshake-timeout", "tlsHandshakeTimeout", resolved.tlsHandshakeTimeout), ("--idle-timeout", "idleTimeout", resolved.idleTimeout)] where !(0.1...3600).contains(value) {
            throw SettingsError("\(name) must be between 0.1 and 3600 seconds (flag or setting \(key))\(from)")
        }
        return resolved
    }

    func run() async throws {
        try await reportingFailures(program: "omnisync-hub") {
            let settings = try await hub.settings()
            let options = try resolve(settings)
            LogSetup.bootstrap(defaultLevel: options.logLevel, environment: [:])
            let logger = Logger(label: "omnisync.hub")
            if let file = settings.file {
                logger.info("settings read", metadata: ["file": "\(file)"])
            }
            let address = options.listen
            let directory = hub.directory(settings)
            let store = try await hub.openStore(settings)
            try directory.create()
            let adminToken = try AdminToken.loadOrCreate(directory)
            if !options.insecureHTTP && options.tlsCertificate == nil {
                switch try HubTLS.ensureDevelopmentMaterial(directory, extraHostnames: options.tlsHostnames) {
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
            let tls = try options.insecureHTTP ? nil : HubTLS.serverConfiguration(
                // The development material was made sure of just above: load it as files.
                options.tlsCertificate.map { .files(certificateChain: $0, privateKey: options.tlsKey!) }
                    ?? .files(certificateChain: directory.serverCertificatePath, privateKey: directory.serverKeyPath),
                clientCA: options.clientCA ?? (options.requireClientCertificate ? directory.caCertificatePath : nil),
                directory: directory
            )
            let scheme = tls == nil ? "http" : "https"
            try await HubServer.run(
                store: store,
                adminToken: adminToken,
                configuration: .init(host: address.host, port: address.port, tls: tls, limits: ConnectionLimits(
                    maxConnections: options.maxConnections ?? FileLimit.raiseAndFit(ConnectionLimits().maxConnections),
                    tlsHandshakeTimeout: .milliseconds(Int64(options.tlsHandshakeTimeout * 1000)),
                    idleTimeout: .milliseconds(Int64(options.idleTimeout * 1000))
                ), recomputeInterval: options.recomputeInterval == 0 ? nil : .milliseconds(Int64(options.recomputeInterval * 1000))),
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
