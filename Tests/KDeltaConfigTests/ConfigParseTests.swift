import KDeltaConfig
import KDeltaModel
import Testing

@Suite struct ConfigParseTests {
    static let repoRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    let day: Int64 = 86_400_000

    @Test func theIssuesExampleReadsIntoModelValues() throws {
        let text = """
            data-dir: /var/lib/kdelta
            storage:
              fsync: interval:1000
              hot-memory-budget: 32MiB
              disk-budget: 2GiB
              on-disk-full: drop-oldest
              retention:
                - match: "sensors/greenhouse/#"
                  keep-for: 30d
                - match: "sensors/+/temp"
                  keep-last: 100000
                - match: "meters/#"
                  downsample-after: 7d
                  every: 1h
                  keep-rollups-for: 5y
            sync:
              enabled: false
            """
        let c = try EdgeConfiguration.parse(text: text, source: "test.yaml")
        #expect(c.dataDir == "/var/lib/kdelta")
        #expect(c.storage.fsync == .interval(ms: 1000))
        #expect(c.storage.hotMemoryBudget == ByteSize(bytes: 32 << 20))
        #expect(c.storage.disk == DiskBudget(bytesMax: ByteSize(bytes: 2 << 30), overflow: .dropOldest))
        let rules = c.storage.retention
        #expect(rules.rules.count == 3)
        #expect(try rules.policy(for: Key("sensors/greenhouse/temp")) == RetentionPolicy(keepForMs: 30 * day))
        #expect(try rules.policy(for: Key("sensors/kitchen/temp")) == RetentionPolicy(keepLast: 100_000))
        let meters = try RetentionPolicy(downsample: RetentionDownsampling(afterMs: 7 * day, everyMs: 3_600_000, keepRollupsForMs: 5 * 365 * day))
        #expect(try rules.policy(for: Key("meters/power")) == meters)
        #expect(try rules.policy(for: Key("other")) == nil)
        #expect(c.sync.enabled == false)
        #expect(!c.sync.holdsUnacknowledgedData)
    }

    @Test func anEmptyFileOrOnlyCommentsGivesTheDefaults() throws {
        #expect(try EdgeConfiguration.parse(text: "", source: "x") == .defaults)
        #expect(try EdgeConfiguration.parse(text: "# nothing\n\n", source: "x") == .defaults)
        #expect(try EdgeConfiguration.parse(text: "storage:\nsync:\n", source: "x") == .defaults)
        let d = EdgeConfiguration.defaults
        #expect(d.dataDir == nil)
        #expect(d.storage.fsync == .always)
        #expect(d.storage.hotMemoryBudget.description == "64MiB")
        #expect(d.storage.disk.bytesMax == nil)
        #expect(d.storage.disk.overflow == .stopIngest)
        #expect(d.storage.retention.rules.isEmpty)
        #expect(d.sync.holdsUnacknowledgedData)
    }

    @Test func syncLeftOutOrTrueHoldsUnacknowledgedData() throws {
        #expect(try EdgeConfiguration.parse(text: "sync:\n  enabled: true\n", source: "x").sync.holdsUnacknowledgedData)
        #expect(try EdgeConfiguration.parse(text: "data-dir: d\n", source: "x").sync.holdsUnacknowledgedData)
    }

    @Test func theEmbeddedDefaultConfigurationIsValid() throws {
        let c = EdgeConfiguration.defaultConfiguration()
        #expect(c.dataDir == "kdelta-data")
        #expect(c.storage.retention.rules.count == 3)
        #expect(c.sync.enabled == false)
    }

    @Test func theExampleFileInSystemdIsValid() throws {
        let c = try EdgeConfiguration.load(path: Self.repoRoot + "/systemd/kdelta-edge.example.yaml")
        #expect(c.dataDir == "/var/lib/kdelta")
        #expect(c.storage.retention.rules.count == 4)
        #expect(try c.storage.retention.policy(for: Key("sensors/hall/door")) == .keepEverything)
        #expect(try c.storage.retention.policy(for: Key("sensors/hall/temp")) == RetentionPolicy(keepLast: 100_000, keepForMs: 365 * day))
        #expect(c.sync.enabled == false)
    }

    @Test(arguments: [
        ("always", FsyncSetting.always), ("never", .never), ("interval:1000", .interval(ms: 1000)),
        ("interval:1s", .interval(ms: 1000)), ("interval:250ms", .interval(ms: 250)), ("interval:10m", .interval(ms: 600_000)),
    ])
    func fsyncSettingsParse(_ text: String, _ expected: FsyncSetting) throws {
        #expect(try FsyncSetting(parsing: text) == expected)
        let c = try EdgeConfiguration.parse(text: "storage:\n  fsync: \(text)\n", source: "x")
        #expect(c.storage.fsync == expected)
    }

    @Test(arguments: ["Always", "sometimes", "interval:0", "interval:600001", "interval:", "interval:1x", "1000"])
    func badFsyncSettingsAreRefused(_ text: String) {
        #expect(throws: FsyncSettingError.self) { try FsyncSetting(parsing: text) }
    }

    @Test func quotedAndUnderscoredValuesAreRead() throws {
        let text = """
            storage:
              hot-memory-budget: '8MiB'
              retention:
                - match: sensors/#
                  keep-last: 1_000_000
            """
        let c = try EdgeConfiguration.parse(text: text, source: "x")
        #expect(c.storage.hotMemoryBudget.bytes == 8 << 20)
        #expect(try c.storage.retention.policy(for: Key("sensors/a")) == RetentionPolicy(keepLast: 1_000_000))
    }

    @Test func anchorsAndAliasesWork() throws {
        let text = """
            storage:
              retention:
                - match: "a/#"
                  keep-for: &month 30d
                - match: "b/#"
                  keep-for: *month
            """
        let c = try EdgeConfiguration.parse(text: text, source: "x")
        #expect(try c.storage.retention.policy(for: Key("b/x")) == RetentionPolicy(keepForMs: 30 * day))
    }
}
