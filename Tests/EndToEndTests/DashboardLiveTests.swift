import Foundation
import OmnisyncAgentKit
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The dashboard's real pages from a live `omnisync-hub serve` over HTTPS,
/// after a real terminal synced.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DashboardLiveTests {
    @Test func aSignInLinkOpensPagesThatShowTheTerminalAndTheCustomer() async throws {
        let scratch = try TemporaryDirectory("e2e-dashboard")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let sale = #"{"card":"4000123412341234","lines":[{"sku":"SKU-1","quantity":1,"unitPrice":{"amount":1299,"currency":"EUR"}}],"total":{"amount":1299,"currency":"EUR"}}"#
        let recorded = try await agent.record("sale", sale)
        let customer = try #require(recorded["customer"] as? String)
        #expect(try await agent.run("sync").status == 0)

        let client = try CurlHTTPClient(options: .init(caFile: hub.caFile))
        // The link `dashboard link` prints signs in and lands on the page it names.
        let link = try cli.json(try await cli.hub("dashboard", "link", "--url", hub.url, "--page", "/dashboard/review", "--json", "--data-dir", hub.dataDirectory))
        let url = try #require(link["url"] as? String)
        #expect(url.hasPrefix(hub.url + "/dashboard/login?ticket="))
        let signIn = try await client.perform(method: "GET", url: url, headers: [], body: nil)
        #expect(signIn.status == 303)
        let signedOut = try await client.perform(method: "GET", url: hub.url + "/dashboard", headers: [], body: nil)
        #expect(signedOut.status == 303)

        let adminToken = try String(contentsOfFile: hub.dataDirectory + "/admin-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let cookie = "Cookie: \(DashboardSession.cookieName)=\(DashboardSession.issue(.session, adminToken: adminToken, now: Date()))"
        let board = try await client.perform(method: "GET", url: hub.url + "/dashboard", headers: [cookie], body: nil)
        #expect(board.status == 200)
        let html = String(decoding: board.body, as: UTF8.self)
        #expect(html.contains("<td>T-1</td>"))
        #expect(html.contains(#"<span class="pill state-in_sync">in sync</span>"#))
        #expect(html.contains("S-1"))

        let search = try await client.perform(method: "GET", url: hub.url + "/dashboard/customers?q=4000123412341234", headers: [cookie], body: nil)
        #expect(search.status == 303)
        let view = try await client.perform(method: "GET", url: hub.url + "/dashboard/customers/\(customer)", headers: [cookie], body: nil)
        let viewHTML = String(decoding: view.body, as: UTF8.self)
        #expect(view.status == 200)
        #expect(viewHTML.contains("Customer \(customer)"))
        #expect(!viewHTML.contains("4000123412341234"), "the card is masked until revealed")
        #expect(viewHTML.contains("1234"))

        let style = try await client.perform(method: "GET", url: hub.url + "/dashboard/style.css", headers: [], body: nil)
        #expect(style.status == 200 && String(decoding: style.body, as: UTF8.self).contains("@media"))
        await hub.stop()
    }
}
