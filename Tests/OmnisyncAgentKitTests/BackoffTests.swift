import OmnisyncAgentKit
import Testing

/// The daemon's retry pauses: exponential, jittered, capped.
@Suite struct BackoffTests {
    let backoff = Backoff(base: .seconds(1), cap: .seconds(300))

    @Test func pausesDoubleUntilTheCap() {
        let steps = (1...12).map { backoff.delay(afterFailures: $0, jitter: 1) }
        #expect(steps == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map { Duration.seconds($0) })
    }

    @Test func jitterKeepsEachPauseBetweenHalfAndAllOfItsStep() {
        for failures in 1...64 {
            let step = backoff.delay(afterFailures: failures, jitter: 1)
            for jitter in stride(from: 0.0, through: 1.0, by: 0.125) {
                let pause = backoff.delay(afterFailures: failures, jitter: jitter)
                #expect(pause >= step / 2 && pause <= step, "failures \(failures), jitter \(jitter): \(pause) outside [\(step / 2), \(step)]")
            }
        }
        #expect(backoff.delay(afterFailures: 5, jitter: 0) == .seconds(8))
        #expect(backoff.delay(afterFailures: 5, jitter: 0.5) == .seconds(12))
    }

    @Test func neverExceedsTheCapNorOverflowsAfterVeryManyFailures() {
        for failures in [31, 62, 63, 64, 1_000, Int.max] {
            #expect(backoff.delay(afterFailures: failures, jitter: 1) == .seconds(300))
        }
        // Out-of-range inputs are clamped, not trusted.
        #expect(backoff.delay(afterFailures: 0, jitter: 1) == .seconds(1))
        #expect(backoff.delay(afterFailures: 3, jitter: 7) == .seconds(4))
        #expect(backoff.delay(afterFailures: 3, jitter: -1) == .seconds(2))
    }
}
