import Testing
@testable import OmnisyncCore

@Suite struct HybridLogicalClockTests {
    let replica = ReplicaID(rawValue: "T-1")!

    @Test func timestampsIncreaseWhenTheWallClockJumpsBack() {
        var clock = HybridLogicalClock(replica: replica)
        let first = clock.tick(wallMillis: 10_000)
        let second = clock.tick(wallMillis: 4_000)
        let third = clock.tick(wallMillis: 4_000)
        #expect(first < second)
        #expect(second < third)
        #expect(third.wallMillis == 10_000)
    }

    @Test func resumingAfterAPersistedTimestampNeverGoesBack() {
        var before = HybridLogicalClock(replica: replica)
        let persisted = before.tick(wallMillis: 50_000)
        var after = HybridLogicalClock(replica: replica, resumingAfter: persisted)
        #expect(after.tick(wallMillis: 1_000) > persisted)
    }

    @Test func observingARemoteTimestampOrdersLaterLocalEventsAfterIt() {
        var clock = HybridLogicalClock(replica: replica)
        _ = clock.tick(wallMillis: 1_000)
        let remote = HLCTimestamp(wallMillis: 90_000, counter: 7, replica: ReplicaID(rawValue: "T-2")!)
        clock.observe(remote, wallMillis: 2_000)
        #expect(clock.tick(wallMillis: 2_000) > remote)
    }

    @Test func replicaIdBreaksTiesSoEveryReplicaPicksTheSameWinner() {
        let a = HLCTimestamp(wallMillis: 5, counter: 0, replica: ReplicaID(rawValue: "A")!)
        let b = HLCTimestamp(wallMillis: 5, counter: 0, replica: ReplicaID(rawValue: "B")!)
        #expect(a < b)
        #expect(!(b < a))
    }

    @Test func wireFormRoundTrips() throws {
        let stamp = HLCTimestamp(wallMillis: 1_795_426_500_123, counter: 3, replica: ReplicaID(rawValue: "T-0001")!)
        #expect(stamp.description == "1795426500123:3:T-0001")
        #expect(HLCTimestamp(stamp.description) == stamp)
        #expect(HLCTimestamp("12:x:T") == nil)
        #expect(HLCTimestamp("12:1:bad id") == nil)
    }
}
