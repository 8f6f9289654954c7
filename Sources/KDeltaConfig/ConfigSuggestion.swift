/// "Did you mean ...?" for unknown keys: the known key nearest to a misspelt one.
enum ConfigSuggestion {
    /// The candidate that `word` most likely meant, or nil: first one equal after folding
    /// case, `_` and camelCase to kebab-case (`hot_memory_budget`, `hotMemoryBudget`), else
    /// the one within edit distance 2 (1 for words of up to 4 letters).
    static func closest(to word: String, among candidates: [String]) -> String? {
        let folded = kebab(word)
        if let same = candidates.first(where: { $0 == folded }) { return same }
        let limit = word.count <= 4 ? 1 : 2
        var best: (String, Int)?
        for c in candidates {
            let d = distance(folded, c)
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    /// Lower-case with `-` between words: `hotMemory_Budget` becomes `hot-memory-budget`.
    static func kebab(_ word: String) -> String {
        var out = ""
        var previousLower = false
        for ch in word {
            if ch == "_" || ch == " " {
                out.append("-")
                previousLower = false
            } else if ch.isUppercase {
                if previousLower { out.append("-") }
                out += ch.lowercased()
                previousLower = false
            } else {
                out.append(ch)
                previousLower = ch.isLowercase || ch.isNumber
            }
        }
        return out
    }

    /// Levenshtein distance over Characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
