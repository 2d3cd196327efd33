#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open files, which bounds how many connections the
/// hub can hold: past it, `accept` fails and nothing is served at all.
public enum FileLimit {
    /// Raises the soft limit on open files to the hard one, then returns
    /// `wanted` or, if the limit is lower, what fits under it with room for
    /// the databases, logs and TLS files (128 descriptors).
    public static func raiseAndFit(_ wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return wanted }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        // RLIM_INFINITY is all ones, which clamps to Int.max.
        return max(16, min(wanted, Int(clamping: limit.rlim_cur) - 128))
    }
}
