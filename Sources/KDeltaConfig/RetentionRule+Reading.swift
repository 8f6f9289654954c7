import KDeltaModel

extension RetentionRule {
    /// The keys a rule takes, in the order docs/config.md lists them.
    static let keys = ["match", "keep-last", "keep-for", "keep-all", "downsample-after", "every", "keep-rollups-for"]

    /// Reads rule `number` (from 1) of `storage.retention`, checking its combination.
    init(reading node: ConfigNode, number: Int) throws(ConfigError) {
        let m = try node.mapping("a rule such as `match: sensors/#` with `keep-for: 30d`", allowed: Self.keys)
        guard let matchNode = m["match"] else {
            throw node.error(.missingValue, "rule \(number) has no match; start it with `- match: PATTERN` (an exact key, + for one segment, # for the rest)")
        }
        let patternText = try matchNode.text("a key pattern such as sensors/+/temp")
        let pattern: KeyPattern
        do {
            pattern = try KeyPattern(patternText)
        } catch {
            throw matchNode.error(.invalidValue, error.description, column: error.byteOffset.flatMap { matchNode.column(ofByte: $0) })
        }
        let keepLast = try m["keep-last"]?.integer(1...RetentionLimits.keepLastMax)
        let keepFor = try m["keep-for"]?.durationMs()
        let keepAll = try m["keep-all"]?.bool()
        let after = try m["downsample-after"]?.durationMs()
        let every = try m["every"]?.durationMs()
        let keepRollups = try m["keep-rollups-for"]?.durationMs()

        if let keepAll, let v = m["keep-all"] {
            guard keepAll else {
                throw v.error(.invalidValue, "keep-all: false means nothing; remove it and give keep-last, keep-for or downsample-after")
            }
            if let other = m.entries.first(where: { $0.key != "match" && $0.key != "keep-all" }) {
                throw other.keyNode.error(.invalidCombination, "keep-all keeps everything, so \(other.key) beside it makes no sense; remove one of them")
            }
            self.init(pattern: pattern, policy: .keepEverything)
            return
        }
        if after == nil {
            for key in ["every", "keep-rollups-for"] {
                if let v = m.entries.first(where: { $0.key == key }) {
                    throw v.keyNode.error(.invalidCombination, "\(key) needs downsample-after (the age at which raw readings become rollups), such as `downsample-after: 7d`")
                }
            }
        }
        var downsample: RetentionDownsampling?
        if let after {
            guard let every else {
                throw m.entries.first(where: { $0.key == "downsample-after" })!.keyNode.error(
                    .missingValue, "downsample-after needs every (the rollup interval), such as `every: 1h`")
            }
            do {
                downsample = try RetentionDownsampling(afterMs: after, everyMs: every, keepRollupsForMs: keepRollups)
            } catch {
                throw Self.policyError(error, m, node)
            }
        }
        if keepLast == nil && keepFor == nil && downsample == nil {
            throw node.error(.missingValue, "rule \(number) (match \(pattern)) has no limit; add keep-last, keep-for or downsample-after, or `keep-all: true` to keep everything for these keys (and exempt them from later rules)")
        }
        do {
            self.init(pattern: pattern, policy: try RetentionPolicy(keepLast: keepLast, keepForMs: keepFor, downsample: downsample))
        } catch {
            throw Self.policyError(error, m, node)
        }
    }

    /// A policy error placed at the value it names.
    static func policyError(_ error: RetentionPolicyError, _ m: ConfigMapping, _ rule: ConfigNode) -> ConfigError {
        let code: ConfigError.Code = error.kind == .combination ? .invalidCombination : .invalidValue
        if let v = m[error.field.rawValue] { return v.error(code, error.message) }
        return rule.error(code, error.message)
    }
}
