import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// The head-office dashboard, page by page, through the hub's real router.
@Suite struct DashboardTests {
    /// One dashboard answer: status, headers and the HTML.
    struct Page: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var html: String
        var location: String? { headers[.location] }
        /// The session a sign-in set, as a `Cookie` header value.
        var sessionCookie: String? { headers[.setCookie].flatMap { $0.split(separator: ";").first.map(String.init) } }
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, cookie: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .get, headers: headers) { Page(status: $0.status, headers: $0.headers, html: String(buffer: $0.body)) }
    }

    static func post(_ client: any TestClientProtocol, _ uri: String, cookie: String?, form: [(String, String)]) async throws -> Page {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            Page(status: $0.status, headers: $0.headers, html: String(buffer: $0.body))
        }
    }

    /// The form token in a rendered page (every signed-in form carries it).
    static func formToken(in page: Page) throws -> String {
        let match = try #require(page.html.firstMatch(of: /name="form" value="([0-9a-f]+)"/))
        return String(match.output.1)
    }

    @Test func signedOutVisitorsAreSentToSignInAndCannotPost() async throws {
        let hub = try await HubFixture.make(.sqlite)
        defer { hub.directory.remove() }
        let (page, post, bearerOnly) = try await hub.test { client in
            (
                try await Self.get(client, "/dashboard", cookie: nil),
                try await Self.post(client, "/dashboard/quarantine/retry", cookie: nil, form: [("form", "x")]),
                try await client.send(.get, "/dashboard", token: hub.adminToken)
            )
        }
        #expect(page.status == .seeOther && page.location == "/dashboard/login")
        #expect(post.status == .unauthorized)
        #expect(post.html.contains("sign in again"), "a person gets a page saying what to do")
        #expect(bearerOnly.0 == .seeOther, "the dashboard is for browsers; scripts use /v1/admin")
    }

    @Test func onlyTheAdminTokenSignsIn() async throws {
        let hub = try await HubFixture.make(.sqlite)
        defer { hub.directory.remove() }
        let (wrong, right) = try await hub.test { client in
            (
                try await Self.post(client, "/dashboard/login", cookie: nil, form: [("token", "osa_guess")]),
                try await Self.post(client, "/dashboard/login", cookie: nil, form: [("token", hub.adminToken)])
            )
        }
        #expect(wrong.status == .unauthorized && wrong.html.contains("not this hub&#39;s admin token") || wrong.html.contains("not this hub's admin token"))
        #expect(wrong.headers[.setCookie] == nil)
        #expect(right.status == .seeOther && right.location == "/dashboard")
        let cookie = try #require(right.headers[.setCookie])
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/dashboard"] {
            #expect(cookie.contains(attribute))
        }
    }

    @Test func signInLinksExpireAndNeverLeaveTheDashboard() async throws {
        let hub = try await HubFixture.make(.sqlite)
        defer { hub.directory.remove() }
        let now = Date()
        let fresh = DashboardSession.issue(.ticket, adminToken: hub.adminToken, now: now)
        let stale = DashboardSession.issue(.ticket, adminToken: hub.adminToken, now: now.addingTimeInterval(-301))
        let session = DashboardSession.issue(.session, adminToken: hub.adminToken, now: now)
        let pages = try await hub.test { client in
            [
                try await Self.get(client, "/dashboard/login?ticket=\(fresh)&next=/dashboard/review", cookie: nil),
                try await Self.get(client, "/dashboard/login?ticket=\(stale)", cookie: nil),
                try await Self.get(client, "/dashboard/login?ticket=\(fresh)&next=https://evil.example/", cookie: nil),
                // A session value is not a ticket, and a ticket is not a session.
                try await Self.get(client, "/dashboard/login?ticket=\(session)", cookie: nil),
                try await Self.get(client, "/dashboard", cookie: "\(DashboardSession.cookieName)=\(fresh)"),
            ]
        }
        #expect(pages[0].status == .seeOther && pages[0].location == "/dashboard/review" && pages[0].sessionCookie != nil)
        #expect(pages[1].status == .unauthorized && pages[1].html.contains("expired"))
        #expect(pages[2].location == "/dashboard")
        #expect(pages[3].status == .unauthorized)
        #expect(pages[4].status == .seeOther && pages[4].location == "/dashboard/login")
    }

    @Test(arguments: StoreBackend.available) func terminalsAppearByStoreWithTheirState(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1", store: "PARIS-01")
        _ = try await hub.register("T-2", store: "LYON-02")
        _ = try await hub.register("T-3", store: "LYON-02")
        _ = try await hub.store.revokeTerminal(TerminalID(rawValue: "T-3")!, at: Date())
        var factory = EntryFactory(terminal: "T-1")
        let batch = PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.sale(customer: factory.identifier())])
        // Whole seconds: stored contact times keep milliseconds, and "1 h ago" must not become "59 min ago".
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let clock = TestClock(start)
        let cookie = "\(DashboardSession.cookieName)=\(DashboardSession.issue(.session, adminToken: hub.adminToken, now: start))"
        let (now, later) = try await hub.test(now: { clock.now }) { client in
            _ = try await client.push(batch, token: token)
            let now = try await Self.get(client, "/dashboard", cookie: cookie)
            clock.now = start.addingTimeInterval(3600)
            return (now, try await Self.get(client, "/dashboard", cookie: cookie))
        }
        #expect(now.status == .ok)
        #expect(now.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(now.headers[.cacheControl] == "no-store")
        let paris = try #require(now.html.range(of: "PARIS-01"))
        let lyon = try #require(now.html.range(of: "LYON-02"))
        #expect(lyon.lowerBound < paris.lowerBound, "stores in name order")
        #expect(now.html.contains(#"<span class="pill state-in_sync">in sync</span>"#))
        #expect(now.html.contains(#"<span class="pill state-never_seen">never seen</span>"#))
        #expect(now.html.contains(#"<span class="pill state-revoked">revoked</span>"#))
        #expect(now.html.contains("0 of 1 in sync"), "LYON-02: the revoked terminal does not count")
        #expect(later.html.contains("offline since"))
        #expect(later.html.contains("1 h ago"))
    }

    @Test(arguments: StoreBackend.available) func quarantinedEntriesAreRetriedFromTheirPage(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: [factory.overEarningSale(customer: customer, points: 25)]), token)])
        let cookie = "\(DashboardSession.cookieName)=\(DashboardSession.issue(.session, adminToken: hub.adminToken, now: Date()))"
        let (listed, forged, retried, after) = try await hub.test { client in
            let listed = try await Self.get(client, "/dashboard/quarantine", cookie: cookie)
            let form = try Self.formToken(in: listed)
            let forged = try await Self.post(client, "/dashboard/quarantine/retry", cookie: cookie, form: [("form", "0000"), ("terminal", "T-1"), ("seq", "1"), ("accept", "true")])
            let retried = try await Self.post(client, "/dashboard/quarantine/retry", cookie: cookie, form: [("form", form), ("terminal", "T-1"), ("seq", "1"), ("accept", "true")])
            return (listed, forged, retried, try await Self.get(client, retried.location ?? "/dashboard/quarantine", cookie: cookie))
        }
        #expect(listed.html.contains("earns 25 points"))
        #expect(listed.html.contains(#"<span class="badge">1</span>"#), "the nav shows how many wait")
        #expect(forged.status == .forbidden, "a post without the session's form token is refused")
        #expect(retried.status == .seeOther)
        #expect(after.html.contains("1 applied, 0 still in quarantine."))
        #expect(after.html.contains("Nothing in quarantine."))
        #expect(!after.html.contains(#"class="badge""#), "no badge when nothing waits")
        #expect(try await hub.store.customer(id: customer)?.state.pointsBalance == 25)
    }

    @Test(arguments: StoreBackend.available) func overdraftsAreApprovedWithANote(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let paris = try await hub.register("T-1", store: "S-1")
        let lyon = try await hub.register("T-2", store: "S-2")
        var first = EntryFactory(terminal: "T-1")
        var second = EntryFactory(terminal: "T-2")
        let customer: CustomerID = first.identifier()
        try await hub.push([
            (PushRequest(terminal: first.terminal, backlog: 0, entries: [first.sale(customer: customer, cents: 10_000)]), paris),
            (PushRequest(terminal: first.terminal, backlog: 0, entries: [first.sale(customer: customer, cents: 100, redeemed: 100)]), paris),
            (PushRequest(terminal: second.terminal, backlog: 0, entries: [second.sale(customer: customer, cents: 100, redeemed: 100)]), lyon),
        ])
        let id = try #require(try await hub.store.overdrafts(includeApproved: false).first?.id)
        let cookie = "\(DashboardSession.cookieName)=\(DashboardSession.issue(.session, adminToken: hub.adminToken, now: Date()))"
        let (listed, approved, after) = try await hub.test { client in
            let listed = try await Self.get(client, "/dashboard/review", cookie: cookie)
            let approved = try await Self.post(client, "/dashboard/review/\(id)/approve", cookie: cookie, form: [("form", try Self.formToken(in: listed)), ("note", "loyal customer")])
            return (listed, approved, try await Self.get(client, approved.location ?? "/dashboard/review", cookie: cookie))
        }
        #expect(listed.html.contains("left a balance of -98"))
        #expect(listed.html.contains(customer.rawValue))
        #expect(approved.status == .seeOther)
        #expect(after.html.contains("Overdraft #\(id) approved."))
        #expect(after.html.contains("Nothing waits for review."))
        let record = try #require(try await hub.store.overdrafts(includeApproved: true).first)
        #expect(record.note == "loyal customer" && record.approvedAt != nil)
    }

    @Test(arguments: StoreBackend.available) func offersUsedTwiceAreListedAndApprovedWithANote(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let euro = Currency(rawValue: "EUR")!
        let money = Money(amount: 800, currency: euro)
        func order(_ id: String, offer: CampaignID?) -> OnlineOrder {
            OnlineOrder(
                orderID: id, channel: "web", at: Date(), customer: .init(email: "ada@example.com"),
                lines: [SaleLine(sku: "SHOE", quantity: 1, unitPrice: money)], total: money, offer: offer
            )
        }
        let customer = try #require(try await hub.store.recordOnlineOrders([order("W-0", offer: nil)], at: Date()).first?.customer)
        let now = Date(millis: Date().millis)!
        let campaign = try await hub.store.createCampaign(
            CampaignDefinition(name: "Welcome", offer: Offer(discount: .percent(basisPoints: 2000)), validUntil: now.addingTimeInterval(3600), holdoutBasisPoints: 0),
            at: now
        ).campaign.id
        _ = try await hub.store.recordOnlineOrders([order("W-1", offer: campaign), order("W-2", offer: campaign)], at: now)
        let id = try #require(try await hub.store.offerOveruses(includeApproved: false).first?.id)
        #expect(try await hub.store.status().offerDoubleUsesPendingReview == 1)
        let cookie = "\(DashboardSession.cookieName)=\(DashboardSession.issue(.session, adminToken: hub.adminToken, now: Date()))"
        let (listed, approved, after) = try await hub.test { client in
            let listed = try await Self.get(client, "/dashboard/review", cookie: cookie)
            let approved = try await Self.post(
                client, "/dashboard/review/offers/\(id)/approve", cookie: cookie, form: [("form", try Self.formToken(in: listed)), ("note", "goodwill")]
            )
            return (listed, approved, try await Self.get(client, "/dashboard/review?approvedOffer=\(id)", cookie: cookie))
        }
        #expect(listed.html.contains("used by web order W-2: use 2 of 1 allowed"))
        #expect(listed.html.contains(customer.rawValue) && listed.html.contains(campaign.rawValue))
        #expect(listed.html.contains(#"<span class="badge">1</span>"#), "the nav counts the double use")
        #expect(approved.status == .seeOther && approved.location == "/dashboard/review?approvedOffer=\(id)#offers")
        #expect(after.html.contains("Double use #\(id) approved.") && after.html.contains("No offer waits for review."))
        let record = try #require(try await hub.store.offerOveruses(includeApproved: true).first)
        #expect(record.note == "goodwill" && record.approvedAt != nil)
        #expect(try await hub.store.status().offerDoubleUsesPendingReview == 0)
    }

    @Test(arguments: StoreBackend.available) func customerSearchShowsTheMaskedViewAndRevealsOnRequest(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1")
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        try await hub.push([(PushRequest(terminal: factory.terminal, backlog: 0, entries: [
            factory.profile(customer: customer, set: .email, to: "ann@example.com"),
            factory.profile(customer: customer, set: .name, to: "<script>alert(1)</script> Ann"),
            factory.sale(customer: customer),
        ]), token)])
        // The models' predictions, as a refit writes them.
        let insight = CustomerInsight(
            pAlive: 0.873, expectedPurchases90d: 1.25, value12m: Money(amount: 18_050, currency: Currency(rawValue: "EUR")!), cluster: 2,
            recommendations: ["SOCK-7", "LACE-2"], modelFittedAt: Date(millis: Date().millis)!
        )
        #expect(try await hub.store.writeInsights([(customer, insight)], at: Date()) == 1)
        let cookie = "\(DashboardSession.cookieName)=\(DashboardSession.issue(.session, adminToken: hub.adminToken, now: Date()))"
        let (search, masked, revealed, nobody, bad) = try await hub.test { client in
            (
                try await Self.get(client, "/dashboard/customers?q=ANN@example.com", cookie: cookie),
                try await Self.get(client, "/dashboard/customers/\(customer)", cookie: cookie),
                try await Self.get(client, "/dashboard/customers/\(customer)?reveal=true", cookie: cookie),
                try await Self.get(client, "/dashboard/customers?q=nobody@example.com", cookie: cookie),
                try await Self.get(client, "/dashboard/customers/not%20an%20id", cookie: cookie)
            )
        }
        #expect(search.status == .seeOther && search.location == "/dashboard/customers/\(customer)")
        #expect(masked.status == .ok)
        #expect(masked.html.contains("a***@example.com"))
        #expect(!masked.html.contains("ann@example.com"))
        #expect(masked.html.contains("Activity (all channels)"))
        #expect(masked.html.contains("12.99 EUR"), "money as the CLI prints it")
        #expect(masked.html.contains("Predictions (docs/insight.md)") && masked.html.contains("<dd>0.873</dd>") && masked.html.contains("180.50 EUR"))
        #expect(masked.html.contains("<dd>SOCK-7, LACE-2</dd>"))
        #expect(revealed.html.contains("ann@example.com"))
        #expect(!revealed.html.contains("<script>alert(1)</script>"), "what customers type is escaped")
        #expect(revealed.html.contains("&lt;script&gt;"))
        #expect(nobody.html.contains("No customer matches."))
        #expect(bad.status == .badRequest && bad.html.contains("<h1>400"))
    }
}
