#if canImport(Glibc)
import Glibc
#endif
import KDeltaModel

/// The system's real-time clock (`clock_gettime(CLOCK_REALTIME)`).
public struct SystemClock: WallClock {
    /// Creates the system clock.
    public init() {}

    public func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// Monotonic nanoseconds, for timing (`clock_gettime(CLOCK_MONOTONIC)`).
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary start.
    public static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
