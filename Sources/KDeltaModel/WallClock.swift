/// Where the store reads wall-clock time. Tests inject a clock that jumps backwards.
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch, as the system believes now.
    func nowMs() -> Int64
}
