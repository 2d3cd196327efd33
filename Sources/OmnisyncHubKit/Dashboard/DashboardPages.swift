import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import OmnisyncCore

/// Reads what each dashboard page shows from the store and renders it with
/// ``DashboardTemplates`` inside the layout.
struct DashboardPages: Sendable {
    let store: any HubStore
    let adminToken: String
    let now: @Sendable () -> Date

    // MARK: Pages

    func terminals(_ request: Request) async throws -> Response {
        let status = try await store.status()
        let board = TerminalBoard(status, at: now())
        return try await page("terminals", board, title: "Terminals", active: "/dashboard", request: request, status: status)
    }

    func quarantine(_ request: Request) async throws -> Response {
        let entries = try await store.quarantined()
        let form = formToken(request)
        let rows: [[String: Any]] = entries.map { entry in
            [
                "terminal": entry.terminal.rawValue, "seq": entry.seq, "kind": entry.kind ?? "unreadable",
                "customer": entry.customer?.rawValue ?? "-", "reason": entry.reason,
                "since": TerminalBoard.clock(entry.quarantinedAt), "formToken": form,
            ]
        }
        var notice: String?
        if let applied = request.uri.queryParameters["applied"].flatMap({ Int($0) }), let kept = request.uri.queryParameters["kept"].flatMap({ Int($0) }) {
            notice = "\(applied) applied, \(kept) still in quarantine."
        }
        return try await page(
            "quarantine", ["entries": rows, "hasEntries": !rows.isEmpty, "formToken": form],
            title: "Quarantine", active: "/dashboard/quarantine", request: request, notice: notice
        )
    }

    func review(_ request: Request) async throws -> Response {
        let overdrafts = try await store.overdrafts(includeApproved: false)
        let form = formToken(request)
        let rows: [[String: Any]] = overdrafts.map { overdraft in
            [
                "id": overdraft.id ?? 0, "customer": overdraft.customer.rawValue, "terminal": overdraft.terminal.rawValue,
                "store": overdraft.store.rawValue, "seq": overdraft.seq, "redeemed": overdraft.redeemed, "balance": overdraft.balance,
                "allowance": overdraft.allowance, "within": overdraft.withinAllowance,
                "withinLabel": overdraft.withinAllowance ? "within the allowance" : "beyond one allowance",
                "detected": TerminalBoard.clock(overdraft.detectedAt), "formToken": form,
            ]
        }
        let offers: [[String: Any]] = try await store.offerOveruses(includeApproved: false).map { overuse in
            [
                "id": overuse.id ?? 0, "customer": overuse.customer.rawValue, "campaign": overuse.campaign.rawValue, "sale": overuse.sale,
                "why": overuse.why, "detected": TerminalBoard.clock(overuse.detectedAt),
                "formToken": form,
            ]
        }
        let params = request.uri.queryParameters
        let notice = params["approved"].flatMap { Int64($0) }.map { "Overdraft #\($0) approved." }
            ?? params["approvedOffer"].flatMap { Int64($0) }.map { "Double use #\($0) approved." }
        return try await page(
            "review", ["overdrafts": rows, "offers": offers], title: "Review", active: "/dashboard/review", request: request, notice: notice
        )
    }

    func customers(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters["q"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        var model: [String: Any] = ["query": query, "searched": !query.isEmpty]
        if !query.isEmpty {
            switch try await search(query) {
            case .found(let records) where records.count == 1:
                return Self.redirect(to: "/dashboard/customers/\(records[0].state.id.rawValue)")
            case .found(let records):
                model["matches"] = records.map { record -> [String: Any] in
                    let view = CustomerView(record.state, reveal: false)
                    return ["id": view.id.rawValue, "summary": [view.name, view.tier, view.segment].compactMap { $0 }.joined(separator: " · ")]
                }
            case .unreadable(let problem):
                model["problem"] = problem
            }
        }
        return try await page("customers", model, title: "Customers", active: "/dashboard/customers", request: request)
    }

    func customer(_ request: Request, id text: String, logger: Logger) async throws -> Response {
        guard let id = CustomerID(rawValue: text) else {
            throw HubError(.malformedRequest, InvalidIdentifier(noun: CustomerKind.noun, value: text).message)
        }
        guard let record = try await store.customer(id: id) else {
            throw HubError(.notFound, "no customer \(id) at the hub")
        }
        let reveal = request.uri.queryParameters["reveal"] == "true"
        if reveal {
            logger.notice("personal data revealed on the dashboard", metadata: ["customer": "\(id)"])
        }
        let sheet = try CustomerSheet(try await HubCustomerView.read(record, reveal: reveal, from: store), id: id, revealed: reveal)
        return try await page("customer", sheet, title: "Customer \(id)", active: "/dashboard/customers", request: request)
    }

    func login(failed: String?, status: HTTPResponse.Status) -> Response {
        // (Absent keys, not nil values: Mustache would print "nil".)
        let body = DashboardTemplates.library.render(failed.map { ["failed": $0] } ?? [:], withTemplate: "login") ?? ""
        return Self.html(Self.layout(["title": "Sign in", "body": body, "renderedAt": TerminalBoard.clock(now())]), status: status)
    }

    /// A new session, then on to `next` (a dashboard path only: never an
    /// open redirect to another site).
    func signIn(redirectTo next: String) -> Response {
        let target = next.hasPrefix("/dashboard") && !next.hasPrefix("//") ? next : "/dashboard"
        let session = DashboardSession.issue(.session, adminToken: adminToken, now: now())
        return Self.redirect(to: target, cookie: DashboardSession.cookie(session))
    }

    static func errorPage(status: HTTPResponse.Status, message: String, now: Date) -> Response {
        let body = DashboardTemplates.library.render(["status": "\(status.code) \(status.reasonPhrase)", "message": message], withTemplate: "error") ?? ""
        return html(layout(["title": status.reasonPhrase, "body": body, "renderedAt": TerminalBoard.clock(now)]), status: status)
    }

    static func redirect(to location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    // MARK: Rendering

    /// `template` rendered with `model` inside the signed-in layout.
    private func page(
        _ template: String, _ model: Any, title: String, active: String, request: Request,
        notice: String? = nil, status: HubStatusReport? = nil
    ) async throws -> Response {
        let counts: HubStatusReport
        if let status { counts = status } else { counts = try await store.status() }
        // A badge only where something waits (an absent key, not an empty string: Mustache shows those).
        func item(_ path: String, _ label: String, waiting: Int = 0) -> [String: Any] {
            var item: [String: Any] = ["path": path, "label": label, "active": active == path]
            if waiting > 0 { item["badge"] = waiting }
            return item
        }
        let nav = [
            item("/dashboard", "Terminals"),
            item("/dashboard/quarantine", "Quarantine", waiting: counts.quarantined),
            item("/dashboard/review", "Review", waiting: counts.overdraftsPendingReview + counts.offerDoubleUsesPendingReview),
            item("/dashboard/customers", "Customers"),
        ]
        var layout: [String: Any] = [
            "title": title, "signedIn": true, "nav": nav, "formToken": formToken(request),
            "body": DashboardTemplates.library.render(model, withTemplate: template) ?? "", "renderedAt": TerminalBoard.clock(now()),
        ]
        if let notice { layout["notice"] = notice }
        return Self.html(Self.layout(layout))
    }

    private static func layout(_ model: [String: Any]) -> String {
        DashboardTemplates.library.render(model, withTemplate: "layout") ?? ""
    }

    private static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                // Pages carry personal data and form tokens: never cached, never framed.
                .cacheControl: "no-store",
                HTTPField.Name("X-Frame-Options")!: "DENY",
                HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; script-src 'none'; frame-ancestors 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    private func formToken(_ request: Request) -> String {
        request.cookies[DashboardSession.cookieName].map { DashboardSession.formToken(for: $0.value, adminToken: adminToken) } ?? ""
    }

    // MARK: Search

    enum SearchResult {
        case found([CustomerRecord])
        case unreadable(String)
    }

    /// One box for every way head office names a customer: an email, an id,
    /// a card, or a phone number (national numbers in the chain's country code).
    private func search(_ query: String) async throws -> SearchResult {
        if query.contains("@") {
            guard let email = EmailAddress(normalizing: query) else { return .unreadable("'\(query)' is not an email address.") }
            return .found(try await store.customers(holding: .email, email.value))
        }
        if let id = CustomerID(rawValue: query), let record = try await store.customer(id: id) {
            return .found([record])
        }
        if let card = CardNumber(rawValue: query), let record = try await store.customer(card: card) {
            return .found([record])
        }
        let countryCode = try await store.settings().phoneCountryCode
        if let phone = PhoneNumber(normalizing: query, defaultCallingCode: countryCode) {
            return .found(try await store.customers(holding: .phone, phone.value))
        }
        return .found([])
    }
}
