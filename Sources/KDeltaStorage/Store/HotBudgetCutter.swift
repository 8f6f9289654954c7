/// The background thread that cuts the hot tier into a block when the write path finds
/// it over its memory budget (`StoreOptions.hotMemoryBudgetBytes`). The writer only
/// signals; the cut runs here, so acknowledgements never wait for a block to be written.
final class HotBudgetCutter: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let signal = PThreadCondition()
    private var pending = false
    private var stopping = false
    private var thread: BackgroundThread?

    init(cut: @escaping @Sendable () -> Void) {
        thread = BackgroundThread(name: "kdelta-cut") { [self] in
            mutex.lock()
            while true {
                while !pending && !stopping { signal.wait(mutex) }
                if stopping { break }
                pending = false
                mutex.unlock()
                cut()
                mutex.lock()
            }
            mutex.unlock()
        }
    }

    /// Asks for a cut (cheap; repeated triggers while one runs fold into one more).
    func trigger() {
        mutex.withLock {
            pending = true
            signal.signal()
        }
    }

    /// Stops the thread after the cut in progress, if any, and waits for it.
    func stop() {
        mutex.withLock {
            stopping = true
            signal.broadcast()
        }
        thread?.join()
        thread = nil
    }
}
