/// The retention rules of a store, in priority order: the first rule whose pattern matches
/// a key decides its policy; a key no rule matches keeps everything (docs/retention.md).
///
/// Lookups go through a compiled `KeyPatternIndex`, so their cost depends on the key's
/// segments, not on the number of rules; the store resolves each series once, when it
/// first sees it, and keeps the answer.
public struct RetentionRules: Sendable, Equatable {
    /// The rules in file order.
    public let rules: [RetentionRule]
    let index: KeyPatternIndex

    /// No rules: every key keeps everything.
    public static let none = RetentionRules([])

    /// Rules in priority order. At most `RetentionLimits.rulesMax`.
    public init(_ rules: [RetentionRule]) {
        precondition(rules.count <= RetentionLimits.rulesMax, "at most \(RetentionLimits.rulesMax) retention rules")
        self.rules = rules
        self.index = KeyPatternIndex(rules.map(\.pattern))
    }

    /// The position in `rules` of the rule that decides `key`, or nil when none matches.
    public func ruleIndex(for key: Key) -> Int? {
        index.firstMatch(key)
    }

    /// The policy of the first rule that matches `key`, or nil when none does (then
    /// everything is kept: `RetentionPolicy.keepEverything`).
    public func policy(for key: Key) -> RetentionPolicy? {
        ruleIndex(for: key).map { rules[$0].policy }
    }

    public static func == (a: RetentionRules, b: RetentionRules) -> Bool { a.rules == b.rules }
}
