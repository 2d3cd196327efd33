import Foundation
import Hummingbird
import Logging
import Mustache
import NIOCore
import OmnisyncCore

/// The head-office dashboard under `/dashboard`: terminals by store with
/// their state, the quarantine and overdraft review lists with their actions,
/// and a customer search showing the 360 view (masked unless revealed).
///
/// Server-rendered HTML from ``DashboardTemplates``; sign-in with the admin
/// token or a sign-in link, kept in a signed cookie (``DashboardSession``).
/// Every action is a form post that checks the session's form token and
/// answers with a redirect, so reloading a page never repeats an action.
enum DashboardRoutes {
    static func add(
        to router: Router<HubRequestContext>,
        store: any HubStore,
        adminToken: String,
        now: @escaping @Sendable () -> Date
    ) {
        let dashboard = router.group("dashboard").add(middleware: DashboardErrorMiddleware(adminToken: adminToken, now: now))
        let pages = DashboardPages(store: store, adminToken: adminToken, now: now)

        dashboard.get("style.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: DashboardTemplates.styleSheet))
            )
        }
        dashboard.get("login") { request, context in
            // A sign-in link: a short-lived ticket, exchanged for a session.
            if let ticket = request.uri.queryParameters["ticket"] {
                guard DashboardSession.isValid(String(ticket), for: .ticket, adminToken: adminToken, now: now()) else {
                    return pages.login(failed: "This sign-in link has expired or belongs to another hub; print a new one with omnisync-hub dashboard link.", status: .unauthorized)
                }
                let next = request.uri.queryParameters["next"].map(String.init) ?? "/dashboard"
                return pages.signIn(redirectTo: next)
            }
            return pages.login(failed: nil, status: .ok)
        }
        dashboard.post("login") { request, context in
            let form = try await DashboardForm.read(request, as: DashboardForm.Login.self)
            guard TerminalToken.constantTimeEquals(form.token.trimmingCharacters(in: .whitespacesAndNewlines), adminToken) else {
                context.logger.warning("dashboard sign-in refused")
                return pages.login(failed: "That is not this hub's admin token.", status: .unauthorized)
            }
            context.logger.info("dashboard sign-in")
            return pages.signIn(redirectTo: "/dashboard")
        }

        let signedIn = dashboard.add(middleware: DashboardAuthenticator(adminToken: adminToken, now: now))
        signedIn.post("logout") { request, _ in
            _ = try await DashboardForm.read(request, as: DashboardForm.Action.self, checking: adminToken)
            return DashboardPages.redirect(to: "/dashboard/login", cookie: DashboardSession.clearingCookie)
        }
        signedIn.get { request, _ in
            try await pages.terminals(request)
        }
        signedIn.get("quarantine") { request, _ in
            try await pages.quarantine(request)
        }
        signedIn.post("quarantine/retry") { request, context in
            let form = try await DashboardForm.read(request, as: DashboardForm.Retry.self, checking: adminToken)
            let terminal = try form.terminal.flatMap { $0.isEmpty ? nil : $0 }.map { text throws(HubError) in
                guard let id = TerminalID(rawValue: text) else { throw HubError(.malformedRequest, InvalidIdentifier(noun: TerminalKind.noun, value: text).message) }
                return id
            }
            let outcomes = try await store.retryQuarantined(terminal: terminal, seq: form.seq, accept: form.accept == "true", at: now())
            let applied = outcomes.filter(\.applied).count
            context.logger.info("quarantine retried from the dashboard", metadata: ["applied": "\(applied)", "kept": "\(outcomes.count - applied)"])
            return DashboardPages.redirect(to: "/dashboard/quarantine?applied=\(applied)&kept=\(outcomes.count - applied)")
        }
        signedIn.get("review") { request, _ in
            try await pages.review(request)
        }
        signedIn.post("review/:id/approve") { request, context in
            let id = try Self.reviewID(context, noun: "overdraft")
            let form = try await DashboardForm.read(request, as: DashboardForm.Approve.self, checking: adminToken)
            _ = try await store.approveOverdraft(id, note: form.keptNote, at: now())
            context.logger.info("overdraft approved from the dashboard", metadata: ["overdraft": "\(id)"])
            return DashboardPages.redirect(to: "/dashboard/review?approved=\(id)")
        }
        signedIn.post("review/offers/:id/approve") { request, context in
            let id = try Self.reviewID(context, noun: "double use")
            let form = try await DashboardForm.read(request, as: DashboardForm.Approve.self, checking: adminToken)
            _ = try await store.approveOfferOveruse(id, note: form.keptNote, at: now())
            context.logger.info("offer double use approved from the dashboard", metadata: ["doubleUse": "\(id)"])
            return DashboardPages.redirect(to: "/dashboard/review?approvedOffer=\(id)#offers")
        }
        signedIn.get("customers") { request, _ in
            try await pages.customers(request)
        }
        signedIn.get("customers/:id") { request, context in
            try await pages.customer(request, id: try context.parameters.require("id"), logger: context.logger)
        }
    }

    /// The number of the review item a route names (`/review/7/approve`).
    static func reviewID(_ context: HubRequestContext, noun: String) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text) else { throw HubError(.malformedRequest, "\(noun) ids are numbers; got '\(text.prefix(40))'") }
        return id
    }
}
