/// The background thread of `FsyncPolicy.interval`: syncs the WAL every interval while
/// there is something to sync. A failed sync poisons the store (`Store.poison`).
final class IntervalFlusher: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let stopSignal = PThreadCondition()
    private var stopping = false
    private var thread: BackgroundThread?

    init(intervalMs: Int, sync: @escaping @Sendable () -> Void) {
        let intervalNs = UInt64(intervalMs) * 1_000_000
        thread = BackgroundThread(name: "kdelta-fsync") { [self] in
            mutex.lock()
            while !stopping {
                let deadline = MonotonicClock.nowNs() + intervalNs
                while !stopping && MonotonicClock.nowNs() < deadline {
                    stopSignal.wait(mutex, untilNs: deadline)
                }
                if stopping { break }
                mutex.unlock()
                sync()
                mutex.lock()
            }
            mutex.unlock()
        }
    }

    /// Stops the thread and waits for it.
    func stop() {
        mutex.withLock {
            stopping = true
            stopSignal.broadcast()
        }
        thread?.join()
        thread = nil
    }
}
