#if canImport(Glibc)
import Glibc
#endif

/// CPU nanoseconds the calling thread has run (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`).
/// Codec speeds are timed with it: on a shared machine a thread waits for a core, and
/// wall time would count the wait; CPU time counts only the codec's own work.
enum ThreadCPUClock {
    /// Nanoseconds of CPU time of this thread so far.
    static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
