import KDeltaModel
import KDeltaStorage

/// A wall clock the benchmark moves, so days of a device's life run in seconds.
final class SimulatedClock: WallClock, @unchecked Sendable {
    private let mutex = PThreadMutex()
    private var ms: Int64

    init(_ ms: Int64) { self.ms = ms }

    func nowMs() -> Int64 { mutex.withLock { ms } }

    func set(_ value: Int64) { mutex.withLock { ms = value } }
}
