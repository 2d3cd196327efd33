import Crypto
import Foundation
import OmnisyncCore
import OmnisyncTestSupport

/// The merge workload of `../shared/bench/merge-workload.md` on Omnisync's own
/// profile engine: replicas write scalar fields of random profiles (each write
/// a journal entry applied through `ProfileState.apply`, as at a terminal, with
/// the stamp of the value it replaces), then every replica merges every
/// replica's full state, itself included.
struct MergeBenchmark {
    static let fields: [ProfileField] = [.name, .email, .phone, .language, .tier]

    var replicas = 3
    var profiles = 2000
    var writes = 30_000
    var seed: UInt64 = 42

    struct Result {
        var localOpsPerSecond: Double
        var mergeOpsPerSecond: Double
        /// One digest per replica; equal digests mean the replicas converged.
        var digests: [String]
    }

    func run() throws -> Result {
        var generator = SeededGenerator(seed: seed)
        let customers = (0..<profiles).map { CustomerID(rawValue: "C-\($0)")! }
        let ops: [[(Int, ProfileField, String)]] = (0..<replicas).map { replica in
            (0..<writes).map { index in
                (Int.random(in: 0..<profiles, using: &generator), Self.fields.randomElement(using: &generator)!, "v\(replica)-\(index)")
            }
        }
        let terminals = (0..<replicas).map { TerminalID(rawValue: "T-\($0)")! }
        let entryIDs = (0..<replicas).map { replica in (0..<writes).map { EntryID(rawValue: "E-\(replica)-\($0)")! } }
        let recordedAt = Date(timeIntervalSince1970: 1_795_000_000)

        var states = (0..<replicas).map { _ in customers.map { ProfileState(id: $0) } }
        let localStart = ContinuousClock.now
        for replica in 0..<replicas {
            var clock = HybridLogicalClock(replica: ReplicaID(terminals[replica]))
            var wall = recordedAt.millis
            for (index, (profile, field, value)) in ops[replica].enumerated() {
                wall += index % 4 == 0 ? 1 : 0
                let seen = states[replica][profile].fields[field]?.stamp
                let entry = JournalEntry(
                    id: entryIDs[replica][index], terminal: terminals[replica], seq: Int64(index + 1), recordedAt: recordedAt,
                    hlc: clock.tick(wallMillis: wall),
                    event: .profile(ProfileEvent(customer: customers[profile], set: [field: value], observed: seen.map { [field: $0] } ?? [:]))
                )
                try states[replica][profile].apply(entry)
            }
        }
        let local = ContinuousClock.now - localStart

        let snapshots = states
        let mergeStart = ContinuousClock.now
        for replica in 0..<replicas {
            for source in 0..<replicas {
                for profile in 0..<profiles {
                    states[replica][profile].merge(snapshots[source][profile])
                }
            }
        }
        let merge = ContinuousClock.now - mergeStart

        let digests = try states.map { replica in
            let json = try WireCoding.encode(replica)
            return SHA256.hash(data: json).prefix(8).map { String(format: "%02x", $0) }.joined()
        }
        return Result(
            localOpsPerSecond: Double(replicas * writes) / local.seconds,
            mergeOpsPerSecond: Double(replicas * replicas * writes) / merge.seconds,
            digests: digests
        )
    }
}
