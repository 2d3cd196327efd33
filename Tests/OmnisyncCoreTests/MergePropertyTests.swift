import Foundation
import PropertyBased
import Testing
@testable import OmnisyncCore

/// The merge laws, over random histories of edits by three terminals on two
/// customers, with random syncs between them.
@Suite struct MergePropertyTests {
    static let step = zip(
        Gen.int(in: 0...2), Gen.int(in: 0...30), Gen.int(in: 0...1), Gen.int(in: 0...30), Gen.int(in: 0...200), Gen.int(in: 0...30)
    ).map { HistoryStep(replica: $0, action: $1, customer: $2, choice: $3, amount: $4, clockJump: $5) }
    static let history = step.array(of: 1...60)
    static let interleaving = Gen.int(in: 0...2).array(of: 0...30)
    /// Histories per property: 200 by default; `OMNISYNC_PROPERTY_RUNS=5000` for a deep run.
    static let runs = ProcessInfo.processInfo.environment["OMNISYNC_PROPERTY_RUNS"].flatMap(Int.init) ?? 200

    @Test func mergeIsCommutativeAssociativeAndIdempotent() async throws {
        await propertyCheck(count: Self.runs, input: Self.history) { steps in
            let history = History(steps)
            for customer in History.customers {
                let (a, b, c) = (history.state(0, customer), history.state(1, customer), history.state(2, customer))
                func merged(_ x: ProfileState, _ y: ProfileState) -> ProfileState {
                    var result = x
                    result.merge(y)
                    return result
                }
                #expect(canonical(merged(a, b)) == canonical(merged(b, a)), "commutativity")
                #expect(canonical(merged(merged(a, b), c)) == canonical(merged(a, merged(b, c))), "associativity")
                #expect(canonical(merged(a, a)) == canonical(a), "idempotence")
                #expect(canonical(merged(merged(a, b), b)) == canonical(merged(a, b)), "re-merging is harmless")
            }
        }
    }

    @Test func replicasThatSawTheSameChangesPrintIdenticalJSONWhateverTheOrder() async throws {
        await propertyCheck(count: Self.runs, input: Self.history, Self.interleaving, Self.interleaving) { steps, first, second in
            let history = History(steps)
            // The hub applies every entry once, in two different interleavings.
            let hubA = history.hub(interleaving: first).states
            let hubB = history.hub(interleaving: second).states
            #expect(hubA.canonicalJSON == hubB.canonicalJSON)
            // Each replica merges every replica's state, in its own order.
            for start in 0..<History.replicas {
                var merged: [CustomerID: ProfileState] = [:]
                for offset in 0..<History.replicas {
                    for (id, state) in history.states[(start + offset) % History.replicas] {
                        var copy = merged[id] ?? ProfileState(id: id)
                        copy.merge(state)
                        merged[id] = copy
                    }
                }
                #expect(merged.canonicalJSON == hubA.canonicalJSON)
            }
            // Customer views too, as `customers show --json` prints them.
            for customer in History.customers {
                let view = CustomerView(hubA[customer] ?? ProfileState(id: customer), reveal: true)
                let other = CustomerView(hubB[customer] ?? ProfileState(id: customer), reveal: true)
                #expect(canonical(view) == canonical(other))
            }
        }
    }

    @Test func everyOverwrittenConcurrentValueIsLoggedOrWasSeenByItsSuccessor() async throws {
        await propertyCheck(count: Self.runs, input: Self.history, Self.interleaving) { steps, order in
            let history = History(steps, allowErasure: false)
            let (states, reports) = history.hub(interleaving: order)
            var lost = Set<HLCTimestamp>()
            var seen = Set<HLCTimestamp>()
            var writes: [(CustomerID, ProfileField, HLCTimestamp, String?)] = []
            for (entry, report) in reports {
                for conflict in report.conflicts where !conflict.field.hasPrefix("consent.") {
                    lost.insert(conflict.lost.stamp)
                }
                if case .profile(let change) = entry.event {
                    seen.formUnion(change.observed.values)
                    writes += change.set.map { (change.customer, $0.key, entry.hlc, $0.value) }
                }
            }
            // A value is accounted for if it is the final one, or a write of it
            // was seen by a later write, or one was logged as lost. (Two stores
            // writing the same value lose nothing when one of them survives.)
            var accounted: [String: Set<String?>] = [:]
            for (customer, field, stamp, value) in writes where lost.contains(stamp) || seen.contains(stamp) {
                accounted["\(customer)/\(field)", default: []].insert(value)
            }
            for (customer, field, _, value) in writes {
                let key = "\(customer)/\(field)"
                let final = states[customer]?.fields[field]?.value
                #expect(value == final || accounted[key, default: []].contains(value), "a write of \(field) vanished without a trace")
            }
        }
    }

    @Test func consentIsOutWheneverAnOptOutIsLive() async throws {
        await propertyCheck(count: Self.runs, input: Self.history) { steps in
            let history = History(steps)
            for (_, state) in history.hub(interleaving: []).states {
                for register in state.consent.values where register.live.values.contains(.optedOut) {
                    #expect(register.value == .optedOut)
                }
            }
        }
    }
}
