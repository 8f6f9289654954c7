#if canImport(Glibc)
import Glibc
#endif

/// A readers-writer lock over the store's in-memory state: many readers (gets, history,
/// the control API) at once; the writer only for the moment it applies a committed group.
public final class PThreadRWLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    /// Creates an unlocked lock.
    public init() {
        lock = .allocate(capacity: 1)
        let r = pthread_rwlock_init(lock, nil)
        precondition(r == 0, "pthread_rwlock_init failed: \(r)")
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` holding the lock for reading. The corresponding C function is
    /// `pthread_rwlock_rdlock`.
    @inline(__always)
    public func withReadLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs `body` holding the lock for writing. The corresponding C function is
    /// `pthread_rwlock_wrlock`.
    @inline(__always)
    public func withWriteLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
