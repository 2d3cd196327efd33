public import Foundation
public import Prometheus
import OmnisyncCore
import Synchronization

/// The hub's Prometheus metrics, served at `GET /metrics` behind the admin token.
///
/// Two kinds live here. Request counters and latency histograms are moved by
/// the request middleware as requests finish. Everything about terminals and
/// review lists is *read at scrape time* from ``HubStatusReport`` rather than
/// kept in memory: replicas sharing one PostgreSQL database then all report the
/// same truth, and a restarted hub does not start from zero.
///
/// Every name is listed in `docs/operations.md` ("Monitoring") with the alerts
/// that use it (`hub/omnisync-alerts.yml`).
public final class HubMetrics: Sendable {
    /// The registry the exposition is rendered from; one per server, so tests
    /// running several hubs in one process do not share figures.
    public let registry: PrometheusCollectorRegistry
    /// Label sets of the per-terminal gauges written at the last scrape, to
    /// drop the series of terminals that have gone.
    private let terminalLabels = Mutex<Set<[String]>>([])
    private let thresholds: TerminalHealth.Thresholds

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), thresholds: TerminalHealth.Thresholds = .init()) {
        self.registry = registry
        self.thresholds = thresholds
    }

    /// Request latency buckets: a push of 500 entries takes tens of
    /// milliseconds; seconds mean trouble.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// Counts a finished request under its route pattern (never the concrete
    /// path: identifiers would make a series per customer).
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets)
            .record(duration)
    }

    /// Counts what one push stored, so a rate shows the chain's throughput.
    public func recordPush(stored: Int, duplicates: Int, quarantined: Int) {
        registry.makeCounter(descriptor: Self.entriesStored).increment(by: Int64(stored))
        registry.makeCounter(descriptor: Self.entriesDuplicate).increment(by: Int64(duplicates))
        registry.makeCounter(descriptor: Self.entriesQuarantined).increment(by: Int64(quarantined))
    }

    /// The exposition text: the store's state at `now` written into the gauges,
    /// then every metric of the registry.
    public func exposition(of status: HubStatusReport, at now: Date) -> String {
        update(from: status, at: now)
        return registry.emitToString()
    }

    private func update(from status: HubStatusReport, at now: Date) {
        var status = status
        status.assessPriceLists(at: now)
        var seen = Set<[String]>()
        var counts = Dictionary(uniqueKeysWithValues: TerminalHealth.allCases.map { ($0, 0) })
        for terminal in status.terminals {
            let labels = [("terminal", terminal.terminal.rawValue), ("store", terminal.store.rawValue)]
            seen.insert([terminal.terminal.rawValue, terminal.store.rawValue])
            let health = TerminalHealth.of(terminal, at: now, thresholds: thresholds)
            counts[health, default: 0] += 1
            registry.makeGauge(descriptor: Self.acknowledgedSeq, labels: labels).set(Double(terminal.acknowledgedSeq))
            registry.makeGauge(descriptor: Self.backlog, labels: labels).set(Double(terminal.reportedBacklog))
            // A terminal that never called has no age: -1 keeps the series (an
            // absent series is easy to miss in an alert) without faking a time.
            registry.makeGauge(descriptor: Self.lastContactAge, labels: labels)
                .set(terminal.lastContact.map { max(0, now.timeIntervalSince($0)) } ?? -1)
            registry.makeGauge(descriptor: Self.clockSkew, labels: labels).set(terminal.clockSkewSeconds ?? 0)
            registry.makeGauge(descriptor: Self.terminalQuarantined, labels: labels).set(Double(terminal.quarantined))
            registry.makeGauge(descriptor: Self.revoked, labels: labels).set(to: terminal.revoked ? 1 : 0)
            registry.makeGauge(descriptor: Self.terminalPriceList, labels: labels).set(Double(terminal.priceListVersion ?? -1))
            registry.makeGauge(descriptor: Self.terminalPriceListStale, labels: labels).set(to: terminal.priceListStale ? 1 : 0)
        }
        registry.makeGauge(descriptor: Self.priceList).set(Double(status.priceList.version))
        registry.makeGauge(descriptor: Self.stalePriceLists).set(Double(status.priceList.staleTerminals))
        for (health, count) in counts {
            registry.makeGauge(descriptor: Self.terminals, labels: [("state", health.rawValue)]).set(Double(count))
        }
        registry.makeGauge(descriptor: Self.quarantined).set(Double(status.quarantined))
        registry.makeGauge(descriptor: Self.quarantinedOrders).set(Double(status.quarantinedOrders))
        registry.makeGauge(descriptor: Self.conflicts).set(Double(status.conflicts))
        registry.makeGauge(descriptor: Self.overdrafts).set(Double(status.overdraftsPendingReview))
        registry.makeGauge(descriptor: Self.offerDoubleUses).set(Double(status.offerDoubleUsesPendingReview))
        registry.makeGauge(descriptor: Self.insightFitted).set(status.insightFittedAt?.timeIntervalSince1970 ?? 0)
        registry.makeGauge(descriptor: Self.erasurePurgePending).set(to: status.erasurePurgePending ? 1 : 0)

        let gone = terminalLabels.withLock { previous in
            let gone = previous.subtracting(seen)
            previous = seen
            return gone
        }
        for pair in gone {
            let labels = [("terminal", pair[0]), ("store", pair[1])]
            for descriptor in Self.perTerminal {
                registry.unregisterGauge(registry.makeGauge(descriptor: descriptor, labels: labels))
            }
        }
    }

    // MARK: Names
    // (Computed: swift-prometheus' descriptor is not Sendable, so it cannot be a stored static.)

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "omnisync", subsystem: "hub", metricName: metric, unitName: unit, helpText: help)
    }

    static var requests: MetricNameDescriptor { name("http_requests", "total", "HTTP requests answered, by route pattern, method and status.") }
    static var requestDuration: MetricNameDescriptor { name("http_request_duration", "seconds", "Time to answer an HTTP request, by route pattern and method.") }
    static var entriesStored: MetricNameDescriptor { name("entries_stored", "total", "Journal entries stored from terminal pushes (each once).") }
    static var entriesDuplicate: MetricNameDescriptor { name("entries_duplicate", "total", "Entries pushed again that the hub already held (retries).") }
    static var entriesQuarantined: MetricNameDescriptor { name("entries_quarantined", "total", "Entries stored but set aside for an operator.") }

    static var acknowledgedSeq: MetricNameDescriptor { name("terminal_acknowledged", "seq", "Highest journal sequence stored for the terminal, contiguously from 1.") }
    static var backlog: MetricNameDescriptor { name("terminal_backlog", "entries", "Entries the terminal said it still held after its last push.") }
    static var lastContactAge: MetricNameDescriptor { name("terminal_last_contact_age", "seconds", "Seconds since the terminal last pushed or pulled; -1 if it never did.") }
    static var clockSkew: MetricNameDescriptor { name("terminal_clock_skew", "seconds", "The terminal's clock minus the hub's at its last request.") }
    static var terminalQuarantined: MetricNameDescriptor { name("terminal_quarantined", "entries", "The terminal's entries stored but not applied.") }
    static var revoked: MetricNameDescriptor { name("terminal_revoked", "", "1 if the terminal is revoked.") }
    static var terminalPriceList: MetricNameDescriptor {
        name("terminal_price_list", "version", "The price-list version the terminal last said it runs; -1 if it never asked.")
    }
    static var terminalPriceListStale: MetricNameDescriptor {
        name("terminal_price_list_stale", "", "1 if the terminal runs another list than the current one, imported more than 5 minutes ago.")
    }
    static var perTerminal: [MetricNameDescriptor] {
        [acknowledgedSeq, backlog, lastContactAge, clockSkew, terminalQuarantined, revoked, terminalPriceList, terminalPriceListStale]
    }
    static var priceList: MetricNameDescriptor { name("price_list", "version", "The hub's current price-list version (0 before any import).") }
    static var stalePriceLists: MetricNameDescriptor { name("terminals_stale_price_list", "", "Terminals running a stale price list.") }

    static var terminals: MetricNameDescriptor { name("terminals", "", "Terminals by state: in_sync, behind, offline, clock_skewed, revoked, never_seen.") }
    static var quarantined: MetricNameDescriptor { name("quarantined", "entries", "Entries stored but not applied, waiting for an operator.") }
    static var quarantinedOrders: MetricNameDescriptor { name("quarantined", "orders", "Orders of other channels set aside because an identifier is unusable.") }
    static var conflicts: MetricNameDescriptor { name("conflicts", "", "Concurrent profile edits resolved by the merge rules (the conflict log).") }
    static var overdrafts: MetricNameDescriptor { name("overdrafts_pending_review", "", "Offline over-redemptions waiting for head office's review.") }
    static var insightFitted: MetricNameDescriptor {
        name("insight_fitted_timestamp", "seconds", "When the predictive models were last fitted (Unix time; 0 before the first refit).")
    }
    static var offerDoubleUses: MetricNameDescriptor {
        name("offer_double_uses_pending_review", "", "Offers used beyond their grant (a single-use offer honoured twice) waiting for head office's review.")
    }
    static var erasurePurgePending: MetricNameDescriptor { name("erasure_purge_pending", "", "1 while an erased customer's old data may remain in the write-ahead log.") }
}
