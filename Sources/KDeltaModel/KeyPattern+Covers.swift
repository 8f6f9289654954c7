extension KeyPattern {
    /// True when every key that `other` matches, this pattern matches too: `sensors/#`
    /// covers `sensors/+/temp`, `+/temp` covers `a/temp`, and every pattern covers itself.
    /// Retention rules use it to refuse a rule that an earlier one hides completely.
    public func covers(_ other: KeyPattern) -> Bool {
        let mine = segments
        let theirs = other.segments
        var i = 0
        while i < mine.count {
            switch mine[i] {
            case .rest:
                // '#' matches whatever remains of `other`, including nothing.
                return true
            case .anySegment:
                guard i < theirs.count, theirs[i] != .rest else { return false }
            case .literal(let text):
                guard i < theirs.count, theirs[i] == .literal(text) else { return false }
            }
            i += 1
        }
        // Both used up, or `other` goes on (a longer key this pattern cannot match).
        return theirs.count == mine.count
    }
}
