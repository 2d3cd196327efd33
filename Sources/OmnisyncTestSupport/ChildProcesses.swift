import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Every process the tests start, so that none outlives the test run.
///
/// A test that fails half-way drops its processes (``BackgroundProcess``
/// kills them when released), but a test runner that is itself stopped, by
/// `scripts/test`'s time limit or by Ctrl-C, never releases them: then a
/// SIGTERM or SIGINT handler, and an exit handler, send SIGKILL to every one
/// still registered. Hubs left running would hold ports and data dirs, and a
/// later run would wait on them.
enum ChildProcesses {
    /// The most processes alive at once that the handler can reach.
    static let capacity = 4_096

    /// Process ids of running children; 0 marks a free slot. Written under
    /// `lock` by ordinary code and read without it by the signal handler,
    /// which may only make async-signal-safe calls (`kill`, `_exit`): a slot
    /// read mid-update is either the old or the new pid (an aligned 32-bit
    /// store), and killing an already reaped pid at exit is harmless.
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<pid_t> = {
        let slots = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        return slots
    }()
    static let lock = Mutex(Registry())

    struct Registry {
        var installed = false
        /// Children that exited before they were registered (a fast exit
        /// races `register`): never to be registered, since their pid may be
        /// reused by an unrelated process.
        var exitedEarly: Set<pid_t> = []
    }

    /// Remembers `pid` until ``forget(_:)``; installs the handlers on first use.
    static func register(_ pid: pid_t) {
        lock.withLock { registry in
            if registry.exitedEarly.remove(pid) != nil { return }
            if !registry.installed {
                registry.installed = true
                signal(SIGTERM, killChildrenAndExit)
                signal(SIGINT, killChildrenAndExit)
                atexit { ChildProcesses.killAll() }
            }
            for index in 0..<capacity where slots[index] == 0 {
                slots[index] = pid
                return
            }
        }
    }

    /// Forgets `pid` once it has exited.
    static func forget(_ pid: pid_t) {
        lock.withLock { registry in
            for index in 0..<capacity where slots[index] == pid {
                slots[index] = 0
                return
            }
            registry.exitedEarly.insert(pid)
        }
    }

    /// Sends SIGKILL to every registered child (async-signal-safe).
    static func killAll() {
        for index in 0..<capacity where slots[index] > 0 {
            kill(slots[index], SIGKILL)
        }
    }
}

/// The signal handler: a C function pointer, so a free function capturing nothing.
private func killChildrenAndExit(_ signal: Int32) {
    ChildProcesses.killAll()
    _exit(128 + signal)
}
