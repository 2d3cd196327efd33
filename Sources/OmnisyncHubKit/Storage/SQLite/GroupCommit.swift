import GRDB
import Synchronization

/// Group commit for the SQLite store: pushes that arrive while the writer is
/// busy are committed together, in one transaction and one fsync, each inside
/// its own savepoint.
///
/// SQLite has one writer; with one transaction per push, hundreds of
/// terminals pushing at once queue behind one fsync each. Here every push
/// enqueues its work and schedules a drain on the writer; the first drain to
/// run takes everything queued so far (later drains find nothing and return).
/// Each job runs in a savepoint, so a push that fails (a sequence conflict)
/// is rolled back alone and gets its error, while the others commit. No job
/// is answered before the transaction holding it has committed: an
/// acknowledged push is as durable as before.
final class GroupCommit: Sendable {
    /// One push's work and where its answer goes.
    private struct Job: Sendable {
        var work: @Sendable (Database) throws -> Void
        var finish: @Sendable ((any Error)?) -> Void
    }

    private let pool: DatabasePool
    private let queue = Mutex<[Job]>([])

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `work` in the next group's transaction and returns its result once
    /// that transaction has committed.
    func write<T: Sendable>(_ work: @Sendable @escaping (Database) throws -> T) async throws -> T {
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
    private func drain(_ db: Database) {
        let jobs = queue.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
        guard !jobs.isEmpty else { return }
        var failures = [(any Error)?](repeating: nil, count: jobs.count)
        do {
            try db.inTransaction(.immediate) {
                for (index, job) in jobs.enumerated() {
                    do {
                        try db.inSavepoint {
                            try job.work(db)
                            return .commit
                        }
                    } catch {
                        failures[index] = error
                    }
                }
                return .commit
            }
        } catch {
            // Nothing of this group was committed: every job fails with it.
            for job in jobs { job.finish(error) }
            return
        }
        for (job, failure) in zip(jobs, failures) { job.finish(failure) }
    }
}
