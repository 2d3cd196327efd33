#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a file, held by one sync round at a time.
///
/// `omnisync-agent run` and a support engineer's `omnisync-agent sync` may try
/// to sync at once; re-sending is harmless, but one round at a time keeps the
/// acknowledgement bookkeeping simple and the progress output honest. The
/// kernel drops the lock when the process dies, so a `kill -9` never leaves it
/// stuck.
struct SyncLock: ~Copyable {
    private let descriptor: Int32

    /// Waits until the lock is free, then takes it.
    init(path: String) throws(AgentError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AgentError(.storage, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw AgentError(.storage, "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
