import KDeltaModel

/// The `storage` section: durability, memory and disk budgets, and retention rules, as
/// plain values the storage engine takes (docs/config.md).
public struct StorageConfiguration: Sendable, Hashable {
    /// `fsync`: when the WAL is made durable. Default `always`.
    public var fsync: FsyncSetting
    /// `hot-memory-budget`: memory for the hot tier. Default 64MiB.
    public var hotMemoryBudget: ByteSize
    /// `disk-budget` and `on-disk-full`. Default: no budget, `stop-ingest`.
    public var disk: DiskBudget
    /// `retention`: the rules, first match wins. Default: none, everything is kept.
    public var retention: RetentionRules

    /// The defaults of every setting.
    public static let defaults = StorageConfiguration(
        fsync: .default, hotMemoryBudget: ByteSize(bytes: ConfigLimits.hotMemoryBytesDefault),
        disk: .default, retention: .none)

    /// Creates the section.
    public init(fsync: FsyncSetting, hotMemoryBudget: ByteSize, disk: DiskBudget, retention: RetentionRules) {
        self.fsync = fsync
        self.hotMemoryBudget = hotMemoryBudget
        self.disk = disk
        self.retention = retention
    }

    public static func == (a: StorageConfiguration, b: StorageConfiguration) -> Bool {
        a.fsync == b.fsync && a.hotMemoryBudget == b.hotMemoryBudget && a.disk == b.disk && a.retention == b.retention
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fsync)
        hasher.combine(hotMemoryBudget)
        hasher.combine(disk)
        hasher.combine(retention.rules)
    }
}
