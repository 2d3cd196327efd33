import Foundation
import OmnisyncAgentKit
import OmnisyncTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Prometheus metrics from real processes: the hub's `GET /metrics` over HTTPS
/// behind the admin token, and the daemon's on its loopback local API.
@Suite(.serialized, .timeLimit(.minutes(5))) struct MetricsTests {
    @Test func hubAndDaemonMetricsFollowTheJournalThroughAnOutage() async throws {
        let scratch = try TemporaryDirectory("e2e-metrics")
        defer { scratch.remove() }
        let cli = try CommandLine()
        let (hub, agent) = try await cli.hubWithOneTerminal(in: scratch)
        let daemon = try await LocalAPITests.Daemon.start(cli, agent: agent, scratch: scratch)

        for index in 0..<3 {
            let response = try LoopbackHTTP.send("POST", "/v1/record/sale", json: LocalAPITests.sale(card: "M000\(index)"), to: daemon.tcp)
            #expect(response.status == 201)
        }
        // The daemon syncs every second; wait (bounded) until a round has taken all three.
        // (Counted when the round ends, just after the journal records the acknowledgement.)
        let synced = try await Self.agentMetrics(daemon, until: { $0["omnisync_agent_entries_pushed_total"] == 3 })
        #expect(synced["omnisync_agent_acknowledged_seq"] == 3)
        #expect(synced["omnisync_agent_pending_entries"] == 0)
        #expect(synced["omnisync_agent_journal_last_seq"] == 3)
        #expect(synced["omnisync_agent_last_sync_success"] == 1)
        #expect((synced["omnisync_agent_last_sync_timestamp_seconds"] ?? 0) > Date().timeIntervalSince1970 - 120)
        let okRounds = try #require(synced["omnisync_agent_sync_rounds_total{result=\"ok\"}"])
        #expect(synced["omnisync_agent_sync_duration_seconds_count{result=\"ok\"}"] == okRounds)

        // The hub: refused without the admin token, the terminal's figures with it.
        let adminToken = try String(contentsOfFile: hub.dataDirectory + "/admin-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try CurlHTTPClient(options: .init(caFile: hub.caFile))
        let refused = try await client.perform(method: "GET", url: hub.url + "/metrics", headers: [], body: nil)
        #expect(refused.status == 401)
        let answer = try await client.perform(method: "GET", url: hub.url + "/metrics", headers: ["Authorization: Bearer \(adminToken)"], body: nil)
        #expect(answer.status == 200)
        let figures = try PrometheusText(answer.body)
        #expect(figures["omnisync_hub_terminal_acknowledged_seq{terminal=\"T-1\",store=\"S-1\"}"] == 3)
        #expect(figures["omnisync_hub_terminals{state=\"in_sync\"}"] == 1)
        #expect(figures["omnisync_hub_entries_stored_total"] == 3)
        #expect((figures["omnisync_hub_http_requests_total{route=\"/v1/push\",method=\"POST\",status=\"200\"}"] ?? 0) >= 1)
        #expect((figures["omnisync_hub_terminal_last_contact_age_seconds{terminal=\"T-1\",store=\"S-1\"}"] ?? -1) >= 0)

        // The hub goes away: the daemon's metrics say so, and the new sale waits.
        await hub.stop()
        #expect(try LoopbackHTTP.send("POST", "/v1/record/sale", json: LocalAPITests.sale(card: "M0009"), to: daemon.tcp).status == 201)
        let offline = try await Self.agentMetrics(daemon, until: { ($0["omnisync_agent_sync_rounds_total{result=\"failed\"}"] ?? 0) >= 1 })
        #expect(offline["omnisync_agent_last_sync_success"] == 0)
        #expect(offline["omnisync_agent_pending_entries"] == 1)
        #expect((offline["omnisync_agent_oldest_pending_age_seconds"] ?? -1) >= 0)
        #expect(offline["omnisync_agent_acknowledged_seq"] == 3)
        await daemon.process.stop(signal: SIGTERM)

        // Every metric the shipped alert rules use is one these processes export.
        let exported = Set((Array(figures.keys) + Array(offline.keys)).map { key in
            String(key.prefix { $0 != "{" })
        })
        let rules = try String(contentsOf: Self.repository.appendingPathComponent("hub/omnisync-alerts.yml"), encoding: .utf8)
        let used = Set(rules.matches(of: /omnisync_[a-z0-9_]+/).map { String($0.output) })
        #expect(!used.isEmpty)
        for name in used.sorted() {
            #expect(exported.contains(name), "hub/omnisync-alerts.yml uses \(name), which neither the hub nor the agent exports")
        }
    }

    /// The rules file is valid for Prometheus itself, where its `promtool` is installed.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")))
    func alertRulesPassPromtool() async throws {
        let check = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/promtool"), ["check", "rules", Self.repository.appendingPathComponent("hub/omnisync-alerts.yml").path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// The repository's top level, from this file's place in it.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Scrapes the daemon until `condition` holds, for at most 60 seconds.
    static func agentMetrics(_ daemon: LocalAPITests.Daemon, until condition: (PrometheusText) -> Bool) async throws -> PrometheusText {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let response = try LoopbackHTTP.send("GET", "/metrics", to: daemon.tcp)
            #expect(response.status == 200)
            let figures = try PrometheusText(response.body)
            if condition(figures) { return figures }
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("the daemon's metrics never reached the expected state:\n\(response.text)\ndaemon:\n\(daemon.process.transcript.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
