/// A series' retention rule as the store resolved it (once, at its first retention pass).
enum ResolvedRule: Sendable, Equatable {
    /// Not looked up yet.
    case unresolved
    /// No rule matches: everything is kept.
    case none
    /// The rule at this position of `RetentionRules.rules`.
    case rule(Int)
}
