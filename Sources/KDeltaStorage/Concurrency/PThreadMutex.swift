#if canImport(Glibc)
import Glibc
#endif

/// A pthread mutex that condition variables can wait with. The synchronous write path
/// needs blocking waits (producers wait for their group's fsync), which Swift's `Mutex`
/// does not offer, so this is the one place that owns raw pthread objects.
public final class PThreadMutex: @unchecked Sendable {
    let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// Creates an unlocked mutex.
    public init() {
        mutex = .allocate(capacity: 1)
        let r = pthread_mutex_init(mutex, nil)
        precondition(r == 0, "pthread_mutex_init failed: \(r)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Locks. The corresponding C function is `pthread_mutex_lock`.
    @inline(__always) public func lock() { pthread_mutex_lock(mutex) }
    /// Unlocks. The corresponding C function is `pthread_mutex_unlock`.
    @inline(__always) public func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` with the mutex held.
    @inline(__always)
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A condition variable used with a `PThreadMutex`, on the monotonic clock so that timed
/// waits survive wall-clock jumps (a Pi's clock jumps at boot when NTP syncs).
public final class PThreadCondition: @unchecked Sendable {
    let cond: UnsafeMutablePointer<pthread_cond_t>

    /// Creates a condition variable.
    public init() {
        cond = .allocate(capacity: 1)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        let r = pthread_cond_init(cond, &attr)
        pthread_condattr_destroy(&attr)
        precondition(r == 0, "pthread_cond_init failed: \(r)")
    }

    deinit {
        pthread_cond_destroy(cond)
        cond.deallocate()
    }

    /// Waits until signalled; `mutex` must be held. The corresponding C function is
    /// `pthread_cond_wait`.
    @inline(__always) public func wait(_ mutex: PThreadMutex) { pthread_cond_wait(cond, mutex.mutex) }

    /// Waits until signalled or `deadlineNs` (monotonic) passes. Returns false on timeout.
    @discardableResult
    public func wait(_ mutex: PThreadMutex, untilNs deadlineNs: UInt64) -> Bool {
        var ts = timespec(tv_sec: Int(deadlineNs / 1_000_000_000), tv_nsec: Int(deadlineNs % 1_000_000_000))
        return pthread_cond_timedwait(cond, mutex.mutex, &ts) != ETIMEDOUT
    }

    /// Wakes one waiter.
    @inline(__always) public func signal() { pthread_cond_signal(cond) }
    /// Wakes every waiter.
    @inline(__always) public func broadcast() { pthread_cond_broadcast(cond) }
}
