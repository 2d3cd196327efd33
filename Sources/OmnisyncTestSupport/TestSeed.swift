import Foundation
public import OmnisyncCore

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
