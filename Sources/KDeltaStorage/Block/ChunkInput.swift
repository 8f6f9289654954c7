import KDeltaModel

/// The versions of one series to be written as a chunk, column by column: what the hot
/// tier hands the block writer when it cuts.
struct ChunkInput {
    var seriesID: UInt32
    var key: Key
    var firstSeq: UInt64
    /// The id of version `firstSeq - 1`, if there is one.
    var parent: VersionID?
    var hlcs: [UInt64] = []
    /// Source time, or the HLC's wall time when the reading had none.
    var times: [Int64] = []
    var hasSourceTime: [Bool] = []
    var values: [Value] = []
    var ids: [VersionID] = []
    var lsns: [UInt64] = []

    init(seriesID: UInt32, key: Key, firstSeq: UInt64, parent: VersionID?) {
        self.seriesID = seriesID
        self.key = key
        self.firstSeq = firstSeq
        self.parent = parent
    }

    var count: Int { ids.count }

    mutating func reserve(_ n: Int) {
        hlcs.reserveCapacity(n); times.reserveCapacity(n); hasSourceTime.reserveCapacity(n)
        values.reserveCapacity(n); ids.reserveCapacity(n); lsns.reserveCapacity(n)
    }

    mutating func append(hlc: UInt64, time: Int64, hasSourceTime: Bool, value: Value, id: VersionID, lsn: UInt64) {
        hlcs.append(hlc)
        times.append(time)
        self.hasSourceTime.append(hasSourceTime)
        values.append(value)
        ids.append(id)
        lsns.append(lsn)
    }
}
