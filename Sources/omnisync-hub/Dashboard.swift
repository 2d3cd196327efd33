import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Dashboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The head-office dashboard served by `serve` at https://HUB:PORT/dashboard.",
        discussion: """
            Sign in with the admin token (DIR/admin-token), or with a link from `dashboard link`.

            Examples:
              omnisync-hub dashboard link --url https://hub.example:8443
            """,
        subcommands: [Link.self]
    )

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a sign-in link to the dashboard, valid for five minutes.",
            discussion: """
                The link carries a ticket signed with the admin token, not the token itself; opening it starts a
                12-hour session. Rotating the admin token ends every session.

                Examples:
                  omnisync-hub dashboard link
                  omnisync-hub dashboard link --url https://hub.example:8443 --page /dashboard/review
                """
        )

        @OptionGroup var hub: HubOptions
        @Option(help: ArgumentHelp("The hub's address as a browser reaches it.", valueName: "URL")) var url = "https://localhost:8443"
        @Option(help: ArgumentHelp("The dashboard page to open after signing in.", valueName: "PATH")) var page = "/dashboard"
        @Flag(help: "Print JSON: { url, expiresAt }.") var json = false

        func validate() throws {
            guard let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ValidationError("--url must be the hub's address, like https://hub.example:8443")
            }
            guard page.hasPrefix("/dashboard") else { throw ValidationError("--page must be a dashboard path, like /dashboard/review") }
        }

        func run() async throws {
            try await reportingFailures(program: "omnisync-hub") {
                let directory = try await hub.directory()
                guard let adminToken = try AdminToken.read(directory) else {
                    throw HubError(.configuration, "no admin token in \(directory.path); start `omnisync-hub serve` once to create it")
                }
                let now = Date()
                let ticket = DashboardSession.issue(.ticket, adminToken: adminToken, now: now)
                var components = URLComponents(string: url.hasSuffix("/") ? String(url.dropLast()) : url)!
                components.path += "/dashboard/login"
                components.queryItems = [URLQueryItem(name: "ticket", value: ticket), URLQueryItem(name: "next", value: page)]
                let link = components.string!
                if json {
                    try Output.json(["url": link, "expiresAt": RFC3339.format(now.addingTimeInterval(DashboardSession.ticketLifetime))])
                } else {
                    print(link)
                }
            }
        }
    }
}
