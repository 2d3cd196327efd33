import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Certificates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue client certificates for mutual TLS from the development CA.",
        discussion: """
            Examples:
              omnisync-hub certificates issue T-0001 --out /tmp/T-0001
            """,
        subcommands: [Issue.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a client certificate for a terminal (for `serve --require-client-certificate`).",
            discussion: """
                Writes OUT/TERMINAL.pem and OUT/TERMINAL-key.pem (owner-only), signed by DIR/tls/ca-key.pem. Install \
                them with `omnisync-agent init ... --client-cert OUT/TERMINAL.pem --client-key OUT/TERMINAL-key.pem` \
                and delete the copies. The hub accepts a terminal's requests only with the certificate issued to it.

                Examples:
                  omnisync-hub certificates issue T-0001
                  omnisync-hub certificates issue T-0001 --out /tmp/T-0001 --days 365 --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The terminal's id; it becomes the certificate's common name.") var terminal: String
        @Option(help: ArgumentHelp("Directory to write the certificate and key into.", valueName: "OUT")) var out: String = "."
        @Option(help: ArgumentHelp("Days the certificate stays valid.", valueName: "DAYS")) var days: Int = 730
        @Flag(help: "Print { terminal, certificate, key, notAfter } as JSON.") var json = false

        func validate() throws {
            guard (1...3650).contains(days) else {
                throw ValidationError("--days must be between 1 and 3650 (got \(days))")
            }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let id = try TerminalID(validating: terminal)
                let credential = try HubTLS.issueClientCertificate(try await hub.directory(), name: id.rawValue, validFor: days)
                let certificatePath = out + "/\(id.rawValue).pem"
                let keyPath = out + "/\(id.rawValue)-key.pem"
                try HubDataDirectory.write(Data(credential.keyPEM.utf8), to: keyPath, permissions: 0o600)
                try HubDataDirectory.write(Data(credential.certificatePEM.utf8), to: certificatePath, permissions: 0o644)
                let notAfter = RFC3339.format(Date().addingTimeInterval(Double(days) * 86400))
                if json {
                    try Output.json(["terminal": id.rawValue, "certificate": certificatePath, "key": keyPath, "notAfter": notAfter])
                } else {
                    print("client certificate for terminal \(id) written to \(certificatePath), key to \(keyPath) (valid until \(notAfter))")
                }
            }
        }
    }
}
