/// Exponential backoff with jitter, capped.
///
/// After a failed sync the daemon waits `base * 2^(failures-1)`, capped at
/// `cap`, scaled by a random factor in [0.5, 1] ("equal jitter"): a store
/// whose terminals all lost the network at once does not hammer the hub in
/// lockstep when it returns, and no wait is shorter than half its step, so a
/// long outage never degenerates into rapid retries.
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300)) {
        self.base = base
        self.cap = cap
    }

    /// The wait after `failures` consecutive failures (1 or more), with `jitter` in [0, 1].
    public func delay(afterFailures failures: Int, jitter: Double) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let uncapped = base * (1 << exponent)
        let capped = min(uncapped, cap)
        return capped * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }
}
