/// One stored version of a key: a reading with its place in history.
public struct Version: Sendable, Hashable {
    /// The series.
    public var key: Key
    /// Position in the key's history, from 1.
    public var seq: UInt64
    /// When the store wrote it; strictly increasing across the whole store.
    public var hlc: HLC
    /// When the sensor took the reading, when the producer said so.
    public var sourceTimeMs: Int64?
    /// The value.
    public var value: Value
    /// The previous version's id; `nil` for the first version of the key.
    public var parent: VersionID?
    /// SHA-256 of the canonical encoding, which covers `parent` (docs/format/version.md).
    public var id: VersionID
    /// The store-wide log sequence number of this version.
    public var lsn: UInt64

    /// Creates a version.
    public init(
        key: Key, seq: UInt64, hlc: HLC, sourceTimeMs: Int64?, value: Value,
        parent: VersionID?, id: VersionID, lsn: UInt64
    ) {
        self.key = key
        self.seq = seq
        self.hlc = hlc
        self.sourceTimeMs = sourceTimeMs
        self.value = value
        self.parent = parent
        self.id = id
        self.lsn = lsn
    }

    /// The version's time on the series' time axis: the source time when the producer gave
    /// one, else the wall part of the HLC.
    public var timeMs: Int64 { sourceTimeMs ?? hlc.wallMs }
}
