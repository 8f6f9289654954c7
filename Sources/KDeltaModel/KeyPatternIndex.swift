/// Finds the first of an ordered list of key patterns that matches a key, without trying
/// them one by one: the patterns are compiled into a tree of segments (a trie), and a key
/// walks it once per path its segments can take (a literal child and a `+` child at most),
/// skipping every subtree whose patterns all come after the best match found so far.
///
/// Retention rules use it ("first matching rule wins"), and so will MQTT topic rules. The
/// result depends only on the key: callers that look up the same key often (the store, per
/// series) keep the answer rather than asking again.
public struct KeyPatternIndex: Sendable {
    /// The patterns, in priority order.
    public let patterns: [KeyPattern]
    var nodes: [Node]

    /// One node of the trie: the patterns that share its path of segments so far.
    struct Node: Sendable {
        /// Children by literal segment. Keyed by Substring so a key's segment is looked up
        /// without copying it.
        var literal: [Substring: Int] = [:]
        /// The child for `+`, or -1.
        var anySegment = -1
        /// The first pattern that ends here with `#` (matches this node's path and below).
        var restPattern = Int.max
        /// The first pattern that ends exactly here.
        var endPattern = Int.max
        /// The first pattern anywhere in this subtree: a search skips the subtree when it
        /// already has an earlier match.
        var firstPattern = Int.max
    }

    /// Compiles `patterns`; the first has the highest priority.
    public init(_ patterns: [KeyPattern]) {
        self.patterns = patterns
        var nodes = [Node()]
        for (index, pattern) in patterns.enumerated() {
            var node = 0
            nodes[0].firstPattern = min(nodes[0].firstPattern, index)
            for segment in pattern.segments {
                switch segment {
                case .rest:
                    nodes[node].restPattern = min(nodes[node].restPattern, index)
                    continue
                case .anySegment:
                    if nodes[node].anySegment < 0 {
                        nodes.append(Node())
                        nodes[node].anySegment = nodes.count - 1
                    }
                    node = nodes[node].anySegment
                case .literal(let text):
                    let name = Substring(text)
                    if let child = nodes[node].literal[name] {
                        node = child
                    } else {
                        nodes.append(Node())
                        nodes[node].literal[name] = nodes.count - 1
                        node = nodes.count - 1
                    }
                }
                nodes[node].firstPattern = min(nodes[node].firstPattern, index)
            }
            if pattern.segments.last != .rest {
                nodes[node].endPattern = min(nodes[node].endPattern, index)
            }
        }
        self.nodes = nodes
    }

    /// The index of the first pattern that matches `key`, or nil.
    public func firstMatch(_ key: Key) -> Int? {
        var best = Int.max
        search(node: 0, rest: key.rawValue.unicodeScalars[...], best: &best)
        return best == Int.max ? nil : best
    }

    private func search(node index: Int, rest: Substring.UnicodeScalarView?, best: inout Int) {
        let node = nodes[index]
        if node.firstPattern >= best { return }
        if node.restPattern < best { best = node.restPattern }
        var tail = rest
        guard let head = KeyPattern.nextSegment(&tail) else {
            if node.endPattern < best { best = node.endPattern }
            return
        }
        if let child = node.literal[head] { search(node: child, rest: tail, best: &best) }
        if node.anySegment >= 0 { search(node: node.anySegment, rest: tail, best: &best) }
    }
}
