public import Foundation
import GRDB
import OmnisyncStorage

/// Records entries for many concurrent callers, committing them in groups.
///
/// ``Agent/record(_:now:)`` spends one transaction, and so one fsync, per
/// entry: right for a `record` process, which is alone. The daemon's local
/// API serves every till in the store at once; there, entries that arrive
/// while the journal is committing wait for the next commit and share it
/// (see `GroupCommit`). Each entry still gets the next gapless sequence
/// number and is returned only once the transaction holding it has committed
/// with `synchronous=FULL`; an entry that cannot be recorded (a card
/// conflict, a refused redemption) fails alone.
public struct GroupRecorder: Sendable {
    private let agent: Agent
    private let group: GroupCommit

    public init(agent: Agent) {
        self.agent = agent
        self.group = GroupCommit(pool: agent.database)
    }

    /// Records `request` in the next group and returns once it is durable.
    public func record(_ request: RecordRequest, now: Date = Date()) async throws(AgentError) -> RecordReceipt {
        do {
            return try await group.write { db in try Recorder(priceCache: agent.priceCache).record(request, in: db, now: now) }
        } catch {
            throw AgentError.wrapping(error, directory: agent.directory.path)
        }
    }
}
