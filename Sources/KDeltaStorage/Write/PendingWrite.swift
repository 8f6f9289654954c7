import KDeltaModel

/// One producer's batch waiting in the ingest queue, with the condition its producer
/// sleeps on until the group it joined is committed.
final class PendingWrite: @unchecked Sendable {
    let readings: [Reading]
    /// An upper bound of the bytes the readings take in a WAL record.
    let estimatedBytes: Int
    /// Set by the committing leader, under the committer's mutex.
    var result: Result<WriteReceipt, StoreError>? = nil
    let wakeup = PThreadCondition()

    init(readings: [Reading], estimatedBytes: Int) {
        self.readings = readings
        self.estimatedBytes = estimatedBytes
    }
}

/// What an acknowledged write got: its place in the log.
public struct WriteReceipt: Sendable, Equatable {
    /// LSN of the first reading of the batch; the others follow consecutively.
    public var firstLSN: UInt64
    /// Number of readings.
    public var count: Int
    /// The last LSN of the batch.
    public var lastLSN: UInt64 { firstLSN + UInt64(count) - 1 }
}
