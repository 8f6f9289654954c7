import KDeltaConfig
import KDeltaStorage
import Testing

/// The configuration's bounds against the storage engine's, which KDeltaConfig cannot
/// import: they are checked here, where both are linked.
@Suite struct ConfigLimitsTests {
    @Test func configLimitsAreConsistent() {
        ConfigLimits.check()
    }

    @Test func fsyncBoundsAreTheStorageEngines() {
        #expect(ConfigLimits.fsyncIntervalMsMin == StorageLimits.fsyncIntervalMsMin)
        #expect(ConfigLimits.fsyncIntervalMsMax == StorageLimits.fsyncIntervalMsMax)
    }

    @Test func aDiskBudgetHoldsTwoDefaultWALSegments() {
        let twoSegments = Int64(2 * StorageLimits.walSegmentBytesDefault)
        #expect(ConfigLimits.diskBudgetBytesMin >= twoSegments)
    }

    @Test(arguments: ["always", "never", "interval:1", "interval:1000", "interval:1s", "interval:10m"])
    func everyFsyncSettingMapsToAnFsyncPolicy(_ text: String) throws {
        let setting = try FsyncSetting(parsing: text)
        let policy = try FsyncPolicy(parsing: setting.description)
        #expect(policy.description == setting.description)
    }
}
