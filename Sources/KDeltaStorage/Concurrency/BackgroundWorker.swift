/// A background thread that runs `work` when triggered and, with an interval, also every
/// `intervalMs`: the store's hot-tier cutter (triggered by the write path when the hot
/// tier passes its budget) and its maintenance pass (retention, the disk budget and
/// compaction: every minute, and after each cut) and the `interval` fsync policy's flusher
/// (every interval, never triggered). Triggers during a run fold into one more
/// run, so the write path only ever signals and never waits.
final class BackgroundWorker: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let signal = PThreadCondition()
    private var pending = false
    private var stopping = false
    private var thread: BackgroundThread?

    /// Starts the thread `name`; `intervalMs` nil runs `work` only when triggered.
    init(name: String, intervalMs: Int? = nil, work: @escaping @Sendable () -> Void) {
        precondition(intervalMs.map { $0 > 0 } ?? true, "a background interval of \(intervalMs ?? 0) ms")
        let intervalNs = intervalMs.map { UInt64($0) * 1_000_000 }
        thread = BackgroundThread(name: name) { [self] in
            mutex.lock()
            while true {
                if let intervalNs {
                    let deadline = MonotonicClock.nowNs() + intervalNs
                    while !pending && !stopping && MonotonicClock.nowNs() < deadline {
                        signal.wait(mutex, untilNs: deadline)
                    }
                } else {
                    while !pending && !stopping { signal.wait(mutex) }
                }
                if stopping { break }
                pending = false
                mutex.unlock()
                work()
                mutex.lock()
            }
            mutex.unlock()
        }
    }

    /// Asks for a run now (cheap; triggers during a run fold into one more).
    func trigger() {
        mutex.withLock {
            pending = true
            signal.signal()
        }
    }

    /// Stops the thread after the run in progress, if any, and waits for it.
    func stop() {
        mutex.withLock {
            stopping = true
            signal.broadcast()
        }
        thread?.join()
        thread = nil
    }
}
