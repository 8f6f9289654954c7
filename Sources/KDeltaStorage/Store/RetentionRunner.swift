/// The background thread of retention, compaction and the disk budget
/// (`Store.maintainInBackground`): it runs every `intervalMs`, and at once when triggered
/// (after a cut, or when the WAL took a new segment under a disk budget).
final class RetentionRunner: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let signal = PThreadCondition()
    private var pending = false
    private var stopping = false
    private var thread: BackgroundThread?

    init(intervalMs: Int, run: @escaping @Sendable () -> Void) {
        precondition(intervalMs > 0, "a retention interval of \(intervalMs) ms")
        let intervalNs = UInt64(intervalMs) * 1_000_000
        thread = BackgroundThread(name: "kdelta-retain") { [self] in
            mutex.lock()
            while true {
                let deadline = MonotonicClock.nowNs() + intervalNs
                while !pending && !stopping && MonotonicClock.nowNs() < deadline {
                    signal.wait(mutex, untilNs: deadline)
                }
                if stopping { break }
                pending = false
                mutex.unlock()
                run()
                mutex.lock()
            }
            mutex.unlock()
        }
    }

    /// Asks for a pass now (cheap; triggers during a pass fold into one more).
    func trigger() {
        mutex.withLock {
            pending = true
            signal.signal()
        }
    }

    /// Stops the thread after the pass in progress, if any, and waits for it.
    func stop() {
        mutex.withLock {
            stopping = true
            signal.broadcast()
        }
        thread?.join()
        thread = nil
    }
}
