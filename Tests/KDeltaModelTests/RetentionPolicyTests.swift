import KDeltaModel
import Testing

@Suite struct RetentionPolicyTests {
    let day: Int64 = 86_400_000
    let hour: Int64 = 3_600_000

    @Test func retentionLimitsAreConsistent() {
        RetentionLimits.check()
    }

    @Test func keepLastAndKeepForCombine() throws {
        let p = try RetentionPolicy(keepLast: 10, keepForMs: 30 * day)
        #expect(p.keepLast == 10)
        #expect(p.keepForMs == 30 * day)
        #expect(!p.keepsEverything)
        #expect(RetentionPolicy.keepEverything.keepsEverything)
    }

    @Test func downsamplingExcludesKeepLastAndKeepFor() throws {
        let d = try RetentionDownsampling(afterMs: 7 * day, everyMs: hour, keepRollupsForMs: 365 * day)
        do { _ = try RetentionPolicy(keepLast: 5, downsample: d); Issue.record("accepted") } catch {
            #expect(error.field == .keepLast)
            #expect(error.kind == .combination)
        }
        do { _ = try RetentionPolicy(keepForMs: day, downsample: d); Issue.record("accepted") } catch {
            #expect(error.field == .keepFor)
        }
        #expect(try RetentionPolicy(downsample: d).downsample == d)
    }

    @Test(arguments: [Int64(1000), 60_000, 300_000, 900_000, 3_600_000, 10_800_000, 86_400_000])
    func rollupIntervalsThatDivideADayAreAccepted(_ every: Int64) throws {
        _ = try RetentionDownsampling(afterMs: 86_400_000, everyMs: every)
    }

    @Test func rollupIntervalsThatDoNotDivideADaySuggestNeighbours() {
        do { _ = try RetentionDownsampling(afterMs: day, everyMs: 7 * 60_000); Issue.record("accepted") } catch {
            #expect(error.field == .every)
            #expect(error.message.contains("use 5m or 10m"), "\(error)")
        }
        do { _ = try RetentionDownsampling(afterMs: 7 * day, everyMs: 2 * day); Issue.record("accepted") } catch {
            #expect(error.message.contains("outside 1s to 1d"), "\(error)")
        }
        do { _ = try RetentionDownsampling(afterMs: day, everyMs: 1500); Issue.record("accepted") } catch {
            #expect(error.message.contains("does not divide a day"), "\(error)")
        }
    }

    @Test func rollupsMustOutliveRawAndRawMustCoverAnInterval() {
        do { _ = try RetentionDownsampling(afterMs: 7 * day, everyMs: hour, keepRollupsForMs: 7 * day); Issue.record("accepted") } catch {
            #expect(error.field == .keepRollupsFor)
            #expect(error.kind == .combination)
        }
        do { _ = try RetentionDownsampling(afterMs: 30 * 60_000, everyMs: hour); Issue.record("accepted") } catch {
            #expect(error.field == .downsampleAfter)
        }
    }

    @Test func agesOutsideTheLimitsAreRefused() {
        #expect(throws: RetentionPolicyError.self) { try RetentionPolicy(keepForMs: 30_000) }
        #expect(throws: RetentionPolicyError.self) { try RetentionPolicy(keepForMs: RetentionLimits.ageMsMax + 1) }
        #expect(throws: RetentionPolicyError.self) { try RetentionPolicy(keepLast: 0) }
        #expect(throws: Never.self) { try RetentionPolicy(keepForMs: RetentionLimits.ageMsMin) }
    }

    @Test func firstMatchingRuleWinsInOrder() throws {
        let a = try RetentionPolicy(keepForMs: 30 * day)
        let b = try RetentionPolicy(keepLast: 100_000)
        let c = try RetentionPolicy(downsample: RetentionDownsampling(afterMs: 7 * day, everyMs: hour))
        let rules = RetentionRules([
            RetentionRule(pattern: try KeyPattern("sensors/greenhouse/#"), policy: a),
            RetentionRule(pattern: try KeyPattern("sensors/+/temp"), policy: b),
            RetentionRule(pattern: try KeyPattern("meters/#"), policy: c),
        ])
        #expect(try rules.policy(for: Key("sensors/greenhouse/temp")) == a)
        #expect(try rules.policy(for: Key("sensors/kitchen/temp")) == b)
        #expect(try rules.policy(for: Key("meters/power/total")) == c)
        #expect(try rules.policy(for: Key("other/thing")) == nil)
        #expect(try rules.ruleIndex(for: Key("sensors/greenhouse")) == 0)

        let swapped = RetentionRules([rules.rules[1], rules.rules[0], rules.rules[2]])
        #expect(try swapped.policy(for: Key("sensors/greenhouse/temp")) == b)
        #expect(RetentionRules.none.policy(for: Key(validated: "x")) == nil)
    }
}
