#if canImport(Glibc)
import Glibc
#endif

/// Sleeps the calling OS thread for `ms` milliseconds, resuming after signals.
func usleepMs(_ ms: Int) {
    var request = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
