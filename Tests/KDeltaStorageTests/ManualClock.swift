import KDeltaModel
import KDeltaStorage

/// A wall clock the test sets: it can stand still, step, or jump backwards as a Pi's clock
/// does when NTP corrects it.
final class ManualClock: WallClock, @unchecked Sendable {
    private let mutex = PThreadMutex()
    private var ms: Int64

    init(_ ms: Int64) { self.ms = ms }

    func nowMs() -> Int64 { mutex.withLock { ms } }

    func set(_ value: Int64) { mutex.withLock { ms = value } }

    func advance(_ delta: Int64) { mutex.withLock { ms += delta } }
}
