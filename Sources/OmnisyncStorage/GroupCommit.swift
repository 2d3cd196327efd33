public import GRDB
import Synchronization

/// Group commit: writes that arrive while the SQLite writer is busy are
/// committed together, in one transaction and one fsync, each inside its own
/// savepoint.
///
/// SQLite has one writer; with one transaction per write, many concurrent
/// callers (terminals pushing to the hub, POS processes recording through the
/// agent's local API) queue behind one fsync each. Here every caller enqueues
/// its work and schedules a drain on the writer; the first drain to run takes
/// everything queued so far (later drains find nothing and return). Each job
/// runs in a savepoint, so a job that fails (a sequence conflict, a refused
/// redemption) is rolled back alone and gets its error, while the others
/// commit. Jobs run in the order they were queued, each seeing the writes of
/// the jobs before it. No job is answered before the transaction holding it
/// has committed: with `synchronous=FULL`, an acknowledged write survives a
/// power cut exactly as with a transaction of its own.
public final class GroupCommit: Sendable {
    /// One caller's work and where its answer goes.
    private struct Job: Sendable {
        var work: @Sendable (Database) throws -> Void
        var finish: @Sendable ((any Error)?) -> Void
    }

    private let pool: DatabasePool
    private let queue = Mutex<[Job]>([])

    public init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Writes waiting for the next drain (for tests that build a group on purpose).
    var queuedCount: Int { queue.withLock { $0.count } }

    /// Runs `work` in the next group's transaction and returns its result once
    /// that transaction has committed.
    public func write<T: Sendable>(_ work: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let result = Mutex<T?>(nil)
            let job = Job(
                work: { db in
                    let value = try work(db)
                    result.withLock { $0 = value }
                },
                finish: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else {
                        continuation.resume(returning: result.withLock { $0! })
                    }
                }
            )
            queue.withLock { $0.append(job) }
            pool.asyncWriteWithoutTransaction { db in self.drain(db) }
        }
    }

    /// Commits every queued job in one transaction, then answers each.
    ///
    /// A job that fails inside its savepoint is rolled back alone. Some
    /// failures (a full disk, an I/O error) make SQLite abort the whole
    /// transaction, taking the jobs before it along: then the group is run
    /// again without the job that caused it, so only that job fails and no
    /// job is ever answered for work that was rolled back. A failure of the
    /// commit itself fails every job of the group (none of them was stored).
    private func drain(_ db: Database) {
        let jobs = queue.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
        guard !jobs.isEmpty else { return }
        var failures = [(any Error)?](repeating: nil, count: jobs.count)
        var remaining = Array(jobs.indices)
        while !remaining.isEmpty {
            var abortedBy: Int?
            do {
                try db.inTransaction(.immediate) {
                    for index in remaining {
                        do {
                            try db.inSavepoint {
                                try jobs[index].work(db)
                                return .commit
                            }
                        } catch {
                            failures[index] = error
                            if !db.isInsideTransaction {
                                abortedBy = index
                                break
                            }
                        }
                    }
                    return abortedBy == nil ? .commit : .rollback
                }
            } catch {
                if abortedBy == nil {
                    // The commit failed: nothing of this group was stored.
                    for index in remaining { failures[index] = error }
                    break
                }
            }
            guard let culprit = abortedBy else { break }
            // Jobs before the culprit were rolled back with it: run them again,
            // and the ones after it that never ran, in the next transaction.
            remaining.removeAll { $0 == culprit || ($0 < culprit && failures[$0] != nil) }
            for index in remaining { failures[index] = nil }
        }
        for (job, failure) in zip(jobs, failures) { job.finish(failure) }
    }
}
