import Foundation
import Synchronization
import HTTPTypes
import HummingbirdTesting
import OmnisyncCore
import OmnisyncHubKit
import OmnisyncTestSupport
import Testing

/// `GET /metrics`: Prometheus text behind the admin token, with the figures
/// `omnisync-hub status` shows and the requests the hub answered.
@Suite struct MetricsRouteTests {
    @Test(arguments: StoreBackend.available) func metricsNeedTheAdminToken(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let terminalToken = try await hub.register("T-1")
        let (asNobody, asTerminal, asAdmin) = try await hub.test { client in
            (
                try await client.send(.get, "/metrics", token: nil),
                try await client.send(.get, "/metrics", token: terminalToken),
                try await client.send(.get, "/metrics", token: hub.adminToken)
            )
        }
        #expect(asNobody.0 == .unauthorized && asNobody.1.errorCode == "unauthorized")
        #expect(asTerminal.0 == .unauthorized)
        #expect(asAdmin.0 == .ok)
    }

    @Test(arguments: StoreBackend.available) func terminalGaugesFollowTheStoreAndRequestsAreCounted(_ backend: StoreBackend) async throws {
        let hub = try await HubFixture.make(backend)
        defer { hub.directory.remove() }
        let token = try await hub.register("T-1", store: "S-1")
        _ = try await hub.register("T-2", store: "S-2")
        _ = try await hub.register("T-3", store: "S-2")
        _ = try await hub.store.revokeTerminal(TerminalID(rawValue: "T-3")!, at: Date())
        var factory = EntryFactory(terminal: "T-1")
        let customer: CustomerID = factory.identifier()
        let batch = PushRequest(terminal: factory.terminal, backlog: 7, entries: [
            factory.sale(customer: customer), factory.sale(customer: customer), factory.sale(customer: customer),
        ])
        let pushedAt = Date()
        let clock = TestClock(pushedAt)
        let metrics = HubMetrics()
        let (first, later) = try await hub.test(metrics: metrics, now: { clock.now }) { client in
            _ = try await client.push(batch, token: token)
            _ = try await client.push(batch, token: token)  // a retry: duplicates, not stored twice
            let first = try await client.send(.get, "/metrics", token: hub.adminToken)
            clock.now = pushedAt.addingTimeInterval(600)
            let later = try await client.send(.get, "/metrics", token: hub.adminToken)
            return (first, later)
        }
        let now = try PrometheusText(first.1)
        #expect(now["omnisync_hub_terminal_acknowledged_seq{terminal=\"T-1\",store=\"S-1\"}"] == 3)
        #expect(now["omnisync_hub_terminal_backlog_entries{terminal=\"T-1\",store=\"S-1\"}"] == 7)
        // Contact times are kept to the millisecond.
        #expect(abs(try #require(now["omnisync_hub_terminal_last_contact_age_seconds{terminal=\"T-1\",store=\"S-1\"}"])) < 0.01)
        #expect(now["omnisync_hub_terminal_last_contact_age_seconds{terminal=\"T-2\",store=\"S-2\"}"] == -1)
        #expect(now["omnisync_hub_terminal_revoked{terminal=\"T-3\",store=\"S-2\"}"] == 1)
        #expect(now["omnisync_hub_terminal_revoked{terminal=\"T-1\",store=\"S-1\"}"] == 0)
        #expect(now["omnisync_hub_terminals{state=\"behind\"}"] == 1)
        #expect(now["omnisync_hub_terminals{state=\"never_seen\"}"] == 1)
        #expect(now["omnisync_hub_terminals{state=\"revoked\"}"] == 1)
        #expect(now["omnisync_hub_terminals{state=\"in_sync\"}"] == 0)
        #expect(now["omnisync_hub_entries_stored_total"] == 3)
        #expect(now["omnisync_hub_entries_duplicate_total"] == 3)
        #expect(now["omnisync_hub_http_requests_total{route=\"/v1/push\",method=\"POST\",status=\"200\"}"] == 2)
        #expect(now["omnisync_hub_http_request_duration_seconds_count{route=\"/v1/push\",method=\"POST\"}"] == 2)
        #expect(now["omnisync_hub_quarantined_entries"] == 0)
        #expect(now["omnisync_hub_overdrafts_pending_review"] == 0)

        // Ten minutes of silence: the same terminal is now offline.
        let then = try PrometheusText(later.1)
        #expect(abs(try #require(then["omnisync_hub_terminal_last_contact_age_seconds{terminal=\"T-1\",store=\"S-1\"}"]) - 600) < 0.01)
        #expect(then["omnisync_hub_terminals{state=\"offline\"}"] == 1)
        #expect(then["omnisync_hub_terminals{state=\"behind\"}"] == 0)
        // The first scrape was answered and counted before the second one.
        #expect(then["omnisync_hub_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"}"] == 1)
    }

    /// Scanners probing random paths must not create a series per path.
    @Test func unknownPathsShareOneSeries() async throws {
        let hub = try await HubFixture.make(.sqlite)
        defer { hub.directory.remove() }
        let metrics = HubMetrics()
        let answer = try await hub.test(metrics: metrics) { client in
            for path in ["/a", "/b/c", "/wp-login.php"] { _ = try await client.send(.get, path, token: nil) }
            return try await client.send(.get, "/metrics", token: hub.adminToken)
        }
        let figures = try PrometheusText(answer.1)
        #expect(figures["omnisync_hub_http_requests_total{route=\"NotFound\",method=\"GET\",status=\"404\"}"] == 3)
        #expect(figures.keys.allSatisfy { !$0.contains("wp-login") })
    }
}

/// A clock a test moves by hand.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
