public import Foundation
public import Prometheus

/// The agent daemon's Prometheus metrics, served at `GET /metrics` on the
/// local API (Unix socket and loopback only, like the rest of it).
///
/// The sync loop counts rounds and their durations as they finish; the
/// journal's state (pending entries, their age, the last sync) is read from
/// ``AgentStatus`` at scrape time, so it is true even for entries recorded by
/// `omnisync-agent record` in another process.
public final class AgentMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A sync round's buckets: a few milliseconds on a LAN, up to the
    /// transport's time limits (60 s a request) when the link is bad.
    static let durationBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    /// One finished sync round of the daemon's loop.
    public func recordRound(succeeded: Bool, pushed: Int64 = 0, pulled: Int = 0, duration: Duration) {
        let result = [("result", succeeded ? "ok" : "failed")]
        registry.makeCounter(descriptor: Self.rounds, labels: result).increment()
        registry.makeDurationHistogram(descriptor: Self.roundDuration, labels: result, buckets: Self.durationBuckets).record(duration)
        registry.makeCounter(descriptor: Self.pushed).increment(by: pushed)
        registry.makeCounter(descriptor: Self.pulled).increment(by: Int64(pulled))
    }

    /// The exposition text with the journal's state at `now`.
    public func exposition(of status: AgentStatus, at now: Date) -> String {
        registry.makeGauge(descriptor: Self.pending).set(Double(status.pending))
        registry.makeGauge(descriptor: Self.oldestPendingAge).set(status.oldestPendingAge ?? 0)
        registry.makeGauge(descriptor: Self.online).set(to: status.online ? 1 : 0)
        registry.makeGauge(descriptor: Self.lastSync).set(status.lastSync?.timeIntervalSince1970 ?? 0)
        registry.makeGauge(descriptor: Self.sinceLastSync).set(status.lastSync.map { max(0, now.timeIntervalSince($0)) } ?? -1)
        registry.makeGauge(descriptor: Self.acknowledged).set(Double(status.acknowledgedSeq))
        registry.makeGauge(descriptor: Self.lastSeq).set(Double(status.lastSeq))
        registry.makeGauge(descriptor: Self.clockOffset).set(status.hubClockOffsetSeconds ?? 0)
        return registry.emitToString()
    }

    // MARK: Names
    // (Computed: swift-prometheus' descriptor is not Sendable, so it cannot be a stored static.)

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "omnisync", subsystem: "agent", metricName: metric, unitName: unit, helpText: help)
    }

    static var rounds: MetricNameDescriptor { name("sync_rounds", "total", "Sync rounds of the daemon, by result (ok, failed).") }
    static var roundDuration: MetricNameDescriptor { name("sync_duration", "seconds", "Time a sync round took, by result.") }
    static var pushed: MetricNameDescriptor { name("entries_pushed", "total", "Entries the hub acknowledged in the daemon's rounds.") }
    static var pulled: MetricNameDescriptor { name("profiles_pulled", "total", "Customer profiles received in the daemon's rounds.") }
    static var pending: MetricNameDescriptor { name("pending", "entries", "Entries recorded here that the hub has not acknowledged.") }
    static var oldestPendingAge: MetricNameDescriptor { name("oldest_pending_age", "seconds", "Age of the oldest pending entry; 0 when none.") }
    static var online: MetricNameDescriptor { name("last_sync_success", "", "1 if the last sync attempt succeeded.") }
    static var lastSync: MetricNameDescriptor { name("last_sync_timestamp", "seconds", "Unix time of the last completed sync; 0 if never.") }
    static var sinceLastSync: MetricNameDescriptor { name("last_sync_age", "seconds", "Seconds since the last completed sync; -1 if never.") }
    static var acknowledged: MetricNameDescriptor { name("acknowledged", "seq", "Highest sequence the hub has stored.") }
    static var lastSeq: MetricNameDescriptor { name("journal_last", "seq", "Highest sequence recorded in the journal.") }
    static var clockOffset: MetricNameDescriptor { name("hub_clock_offset", "seconds", "The hub's clock minus this terminal's at the last pull.") }
}
