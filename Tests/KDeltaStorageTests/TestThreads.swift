#if canImport(Glibc)
import Glibc
#endif
import KDeltaStorage

/// Runs `body(i)` on `count` real OS threads at once and waits for all: the store's write
/// path blocks its callers, which must not happen on Swift's small cooperative pool.
func onThreads(_ count: Int, name: String = "kd-test", _ body: @escaping @Sendable (Int) -> Void) {
    let threads = (0..<count).map { i in BackgroundThread(name: "\(name)-\(i)") { body(i) } }
    for t in threads { t.join() }
}

/// Starts `body` on a real OS thread; join it later.
func onThread(name: String = "kd-test", _ body: @escaping @Sendable () -> Void) -> BackgroundThread {
    BackgroundThread(name: name, body)
}

/// Sleeps the calling thread.
func sleepMs(_ ms: Int) {
    var request = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

/// A value shared by test threads under a lock.
final class Locked<T>: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private var value: T

    init(_ value: T) { self.value = value }

    func withLock<R>(_ body: (inout T) -> R) -> R {
        mutex.withLock { body(&value) }
    }

    var current: T { mutex.withLock { value } }
}
