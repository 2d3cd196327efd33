import Foundation

/// Seeded randomness for tests, so that a failure can be replayed.
///
/// Each use draws its seed from `OMNISYNC_TEST_SEED` when set, else at
/// random, and prints it: `OMNISYNC_TEST_SEED=N swift test --filter ...`
/// replays the same draws (the threads' timing still varies, the choices do
/// not).
public enum TestSeed {
    /// A generator for `label`, announcing its seed on standard output.
    public static func generator(_ label: String) -> SeededGenerator {
        let seed = ProcessInfo.processInfo.environment["OMNISYNC_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        print("\(label): seed \(seed) (OMNISYNC_TEST_SEED=\(seed) replays it)")
        return SeededGenerator(seed: seed)
    }
}

/// SplitMix64: small, fast, and good enough to drive test choices.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
