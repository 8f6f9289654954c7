/// The bounds of retention settings, defined once with their reasons. `check()` verifies
/// how they relate; a test runs it.
public enum RetentionLimits {
    /// Retention runs in the background every minute or so: a shorter age could never be
    /// honoured, and is most likely `s` written for `m`.
    public static let ageMsMin: Int64 = 60_000
    /// 100 years of 365 days: longer than any device lives. To keep data forever, leave
    /// `keep-for` out.
    public static let ageMsMax: Int64 = 100 * 365 * 86_400_000
    /// Rollup intervals are whole seconds from 1 s ...
    public static let rollupIntervalMsMin: Int64 = 1000
    /// ... to one day, and divide a day evenly (see `RetentionDownsampling`).
    public static let rollupIntervalMsMax: Int64 = 86_400_000
    /// `keep-last` keeps at least one version (the store always keeps a key's newest) and
    /// at most 10^12: more versions than a 64-bit sequence could reach in a device's life at
    /// sensor rates, and a bound that keeps arithmetic on it far from overflow.
    public static let keepLastMax = 1_000_000_000_000
    /// At most 1,000 retention rules: each series resolves its rule once, at creation, and
    /// a configuration with more rules than that is better written with wildcards.
    public static let rulesMax = 1000

    /// Checks how the constants relate; a test runs it.
    public static func check() {
        precondition(ageMsMin >= rollupIntervalMsMin, "the shortest age must hold a rollup interval")
        precondition(ageMsMax < Limits.sourceTimeMsMax, "an age must fit the time range")
        precondition(rollupIntervalMsMax % rollupIntervalMsMin == 0)
        precondition(rollupIntervalMsMax <= ageMsMax)
    }
}
