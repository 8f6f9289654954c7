/// What one producer thread did.
struct ProducerTally: Sendable {
    /// Readings acknowledged.
    var readings = 0
    /// When its last write was acknowledged (`MonotonicClock`), 0 if it wrote nothing.
    var endNs: UInt64 = 0
    /// The longest wait for one acknowledgement: shows the stalls a mean hides (a
    /// writer blocked behind an fsync, a busy SQLite lock).
    var maxAckNs: UInt64 = 0
    /// Why it stopped early, if it failed.
    var failure: String? = nil
}
