#if canImport(Glibc)
import Glibc
#endif

/// Makes a write to a closed pipe or socket an error instead of a signal.
///
/// Tests feed standard input to processes that may exit before reading it
/// (a usage error), and the fault proxy writes to connections the agent has
/// just dropped. By default either kills the whole test process with SIGPIPE;
/// ignored, the write fails with EPIPE and the test carries on.
enum BrokenPipes {
    private static let ignored: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    static func ignore() {
        _ = ignored
    }
}
