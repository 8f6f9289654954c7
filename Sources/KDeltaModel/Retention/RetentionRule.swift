/// One retention rule: the keys `pattern` matches keep versions by `policy`.
public struct RetentionRule: Hashable, Sendable {
    /// The keys the rule applies to.
    public let pattern: KeyPattern
    /// How long their versions stay.
    public let policy: RetentionPolicy

    /// Creates a rule.
    public init(pattern: KeyPattern, policy: RetentionPolicy) {
        self.pattern = pattern
        self.policy = policy
    }
}
