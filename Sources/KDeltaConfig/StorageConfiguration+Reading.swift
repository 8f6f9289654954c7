import KDeltaModel

extension StorageConfiguration {
    /// The keys of the section, in the order docs/config.md lists them.
    static let keys = ["fsync", "hot-memory-budget", "disk-budget", "on-disk-full", "retention"]

    /// Reads the section; keys not given keep their defaults.
    init(reading node: ConfigNode) throws(ConfigError) {
        var elsewhere: [String: String] = [:]
        for key in RetentionRule.keys { elsewhere[key] = "(it belongs in a rule under retention:, next to match:)" }
        let m = try node.mapping("a mapping of storage settings", allowed: Self.keys, elsewhere: elsewhere)
        self = .defaults
        if let v = m["fsync"] {
            let text = try v.text("always, interval:MS or never")
            do { fsync = try FsyncSetting(parsing: text) } catch { throw v.error(.invalidValue, error.description) }
        }
        if let v = m["hot-memory-budget"] {
            let size = try v.byteSize()
            guard size.bytes >= ConfigLimits.hotMemoryBytesMin, size.bytes <= ConfigLimits.hotMemoryBytesMax else {
                throw v.error(.invalidValue, "hot-memory-budget \(size) is outside \(ByteSize(bytes: ConfigLimits.hotMemoryBytesMin)) to \(ByteSize(bytes: ConfigLimits.hotMemoryBytesMax))")
            }
            hotMemoryBudget = size
        }
        var bytesMax: ByteSize?
        if let v = m["disk-budget"] {
            let size = try v.byteSize()
            guard size.bytes >= ConfigLimits.diskBudgetBytesMin else {
                throw v.error(.invalidValue, "disk-budget \(size) is below \(ByteSize(bytes: ConfigLimits.diskBudgetBytesMin)), which two WAL segments need; give more, or leave disk-budget out to use the whole disk")
            }
            bytesMax = size
        }
        var overflow = OverflowPolicy.default
        if let v = m["on-disk-full"] {
            let text = try v.text("stop-ingest or drop-oldest")
            guard let policy = OverflowPolicy(rawValue: text) else {
                let names = OverflowPolicy.allCases.map(\.rawValue)
                let guess = ConfigSuggestion.closest(to: text, among: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw v.error(.invalidValue, "on-disk-full '\(text)' is not one of \(names.joined(separator: ", "))\(guess)")
            }
            overflow = policy
        }
        disk = DiskBudget(bytesMax: bytesMax, overflow: overflow)
        if let v = m["retention"] {
            let items = try v.sequence("a list of rules, each starting with `- match: PATTERN`")
            if items.count > RetentionLimits.rulesMax {
                throw v.error(.invalidValue, "retention has \(items.count) rules; at most \(RetentionLimits.rulesMax) are allowed: use + and # patterns to cover many keys with one rule")
            }
            var rules: [RetentionRule] = []
            var ruleNodes: [ConfigNode] = []
            for (i, item) in items.enumerated() {
                let rule = try RetentionRule(reading: item, number: i + 1)
                // A rule that an earlier one covers entirely can never apply: surely a mistake.
                for (j, earlier) in rules.enumerated() where earlier.pattern.covers(rule.pattern) {
                    throw item.error(
                        .invalidCombination,
                        "rule \(i + 1) (match \(rule.pattern)) can never apply: rule \(j + 1) (match \(earlier.pattern), line \(ruleNodes[j].line ?? 0)) matches every key it matches and comes first; move the narrower rule up, or remove it")
                }
                rules.append(rule)
                ruleNodes.append(item)
            }
            retention = RetentionRules(rules)
        }
    }
}
