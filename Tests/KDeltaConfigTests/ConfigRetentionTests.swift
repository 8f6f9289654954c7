import KDeltaConfig
import KDeltaModel
import Testing

/// Retention rules as the file writes them: combinations, order and unreachable rules.
@Suite struct ConfigRetentionTests {
    func error(_ rules: String) -> ConfigError? {
        do {
            _ = try EdgeConfiguration.parse(text: "storage:\n  retention:\n" + rules, source: "r.yaml")
            return nil
        } catch {
            return error
        }
    }

    func rules(_ text: String) throws -> RetentionRules {
        try EdgeConfiguration.parse(text: "storage:\n  retention:\n" + text, source: "r.yaml").storage.retention
    }

    @Test func everyWithoutDownsampleAfterIsAnError() throws {
        let e = try #require(error("    - match: a/#\n      keep-for: 7d\n      every: 1h\n"))
        #expect(e.code == .invalidCombination)
        #expect(e.line == 5 && e.column == 7)
        #expect(e.message.contains("every needs downsample-after"), "\(e)")
    }

    @Test func downsampleAfterWithoutEveryIsAnError() throws {
        let e = try #require(error("    - match: a/#\n      downsample-after: 7d\n"))
        #expect(e.code == .missingValue)
        #expect(e.line == 4)
        #expect(e.message.contains("needs every"), "\(e)")
    }

    @Test func rollupsKeptShorterThanRawIsAnError() throws {
        let e = try #require(error("    - match: a/#\n      downsample-after: 30d\n      every: 1h\n      keep-rollups-for: 7d\n"))
        #expect(e.code == .invalidCombination)
        #expect(e.line == 6 && e.column == 25)
        #expect(e.path == "storage.retention[1].keep-rollups-for")
    }

    @Test func everyThatDoesNotDivideADayIsAnError() throws {
        let e = try #require(error("    - match: a/#\n      downsample-after: 7d\n      every: 7m\n"))
        #expect(e.code == .invalidValue)
        #expect(e.line == 5 && e.column == 14)
        #expect(e.message.contains("does not divide a day evenly"), "\(e)")
    }

    @Test func keepForBesideDownsamplingIsAnError() throws {
        let e = try #require(error("    - match: a/#\n      keep-for: 30d\n      downsample-after: 7d\n      every: 1h\n"))
        #expect(e.code == .invalidCombination)
        #expect(e.path == "storage.retention[1].keep-for")
    }

    @Test func aRuleWithoutALimitOrWithoutMatchIsAnError() throws {
        var e = try #require(error("    - match: a/#\n"))
        #expect(e.code == .missingValue)
        #expect(e.message.contains("has no limit"), "\(e)")
        e = try #require(error("    - keep-for: 1d\n"))
        #expect(e.message.contains("rule 1 has no match"), "\(e)")
        #expect(e.line == 3 && e.column == 7)
    }

    @Test func keepAllExemptsKeysFromLaterRules() throws {
        let r = try rules("    - match: sensors/door\n      keep-all: true\n    - match: sensors/#\n      keep-for: 1d\n")
        #expect(try r.policy(for: Key("sensors/door")) == .keepEverything)
        #expect(try r.policy(for: Key("sensors/temp")) == RetentionPolicy(keepForMs: 86_400_000))
        var e = try #require(error("    - match: a\n      keep-all: false\n"))
        #expect(e.message.contains("keep-all: false means nothing"), "\(e)")
        e = try #require(error("    - match: a\n      keep-all: true\n      keep-last: 5\n"))
        #expect(e.code == .invalidCombination)
        #expect(e.line == 5)
    }

    @Test func rulesApplyInFileOrder() throws {
        let r = try rules("""
                - match: "sensors/greenhouse/#"
                  keep-for: 30d
                - match: "sensors/+/temp"
                  keep-last: 100
            """ + "\n")
        #expect(try r.ruleIndex(for: Key("sensors/greenhouse/temp")) == 0)
        #expect(try r.ruleIndex(for: Key("sensors/kitchen/temp")) == 1)
        let swapped = try rules("""
                - match: "sensors/+/temp"
                  keep-last: 100
                - match: "sensors/greenhouse/#"
                  keep-for: 30d
            """ + "\n")
        #expect(try swapped.ruleIndex(for: Key("sensors/greenhouse/temp")) == 0)
        #expect(try swapped.ruleIndex(for: Key("sensors/greenhouse/humidity")) == 1)
    }

    @Test func aRuleHiddenByAnEarlierOneIsAnError() throws {
        let e = try #require(error("    - match: \"sensors/#\"\n      keep-for: 30d\n    - match: \"sensors/+/temp\"\n      keep-last: 10\n"))
        #expect(e.code == .invalidCombination)
        #expect(e.line == 5 && e.column == 7)
        #expect(e.message.contains("rule 2 (match sensors/+/temp) can never apply: rule 1 (match sensors/#, line 3)"), "\(e)")
    }
}
