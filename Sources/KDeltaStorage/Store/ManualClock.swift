import KDeltaModel

/// A wall clock that moves only when told: for tests (it can stand still, step, or jump
/// backwards as a Pi's clock does when NTP corrects it) and for benchmarks that run days
/// of a device's life in seconds (`StoreOptions.clock`).
public final class ManualClock: WallClock, @unchecked Sendable {
    private let mutex = PThreadMutex()
    private var ms: Int64

    /// A clock showing `ms` (Unix milliseconds).
    public init(_ ms: Int64) { self.ms = ms }

    public func nowMs() -> Int64 { mutex.withLock { ms } }

    /// Sets the time.
    public func set(_ value: Int64) { mutex.withLock { ms = value } }

    /// Moves the time by `delta` milliseconds (negative: backwards).
    public func advance(_ delta: Int64) { mutex.withLock { ms += delta } }
}
