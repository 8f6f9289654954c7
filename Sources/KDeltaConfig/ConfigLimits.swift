/// Every bound of the configuration file, defined once with its reason. `check()` verifies
/// how they relate; a test runs it, and another checks them against `StorageLimits`, which
/// this target does not import (the storage engine does not depend on configuration).
public enum ConfigLimits {
    /// A configuration file is at most 1 MiB: a real one is a few KiB, even with hundreds
    /// of retention rules; a bigger file is the wrong file.
    public static let fileBytesMax = 1 << 20
    /// The fsync interval's bounds, the same as `StorageLimits.fsyncIntervalMsMin/Max`
    /// (a test keeps them equal): below 1 ms the flusher would spin, above 10 minutes a
    /// power cut loses too much.
    public static let fsyncIntervalMsMin = 1
    /// See `fsyncIntervalMsMin`.
    public static let fsyncIntervalMsMax = 600_000
    /// The hot tier needs at least 1 MiB: one full group commit of small readings.
    public static let hotMemoryBytesMin: Int64 = 1 << 20
    /// No Raspberry Pi has more than 16 GiB; more than 64 GiB is a unit mistake.
    public static let hotMemoryBytesMax: Int64 = 64 << 30
    /// The default hot tier budget: 64 MiB, a sixteenth of a 1 GiB Pi's memory.
    public static let hotMemoryBytesDefault: Int64 = 64 << 20
    /// A disk budget must hold two WAL segments of the default size (32 MiB each; a test
    /// checks against `StorageLimits.walSegmentBytesDefault`): the one being written and
    /// the next, preallocated at rotation.
    public static let diskBudgetBytesMin: Int64 = 64 << 20
    /// `data-dir` is at most 4095 bytes, Linux's PATH_MAX less the terminating NUL.
    public static let dataDirBytesMax = 4095

    /// Checks how the constants relate; a test runs it.
    public static func check() {
        precondition(fsyncIntervalMsMin >= 1 && fsyncIntervalMsMin < fsyncIntervalMsMax)
        precondition(hotMemoryBytesMin <= hotMemoryBytesDefault && hotMemoryBytesDefault <= hotMemoryBytesMax)
        precondition(diskBudgetBytesMin > 0)
    }
}
