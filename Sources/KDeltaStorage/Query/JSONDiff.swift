import KDeltaModel

/// Field-level differences between two JSON documents: objects are compared member by
/// member, recursively; arrays and scalars are compared whole (a sensor's arrays are
/// small readings, not lists to align).
enum JSONDiff {
    static func changes(from a: JSONValue, to b: JSONValue, path: String = "") -> [FieldChange] {
        if a == b { return [] }
        guard case .object(let am) = a, case .object(let bm) = b else {
            return [FieldChange(path: path.isEmpty ? "/" : path, kind: .changed, old: a, new: b)]
        }
        var out: [FieldChange] = []
        var i = 0, j = 0
        // Members are sorted by key bytes (JSONValue's invariant): merge the two lists.
        while i < am.count || j < bm.count {
            let child: (String) -> String = { path + "/" + pointerEscape($0) }
            if j == bm.count || (i < am.count && am[i].key.utf8.lexicographicallyPrecedes(bm[j].key.utf8)) {
                out.append(FieldChange(path: child(am[i].key), kind: .removed, old: am[i].value, new: nil))
                i += 1
            } else if i == am.count || bm[j].key.utf8.lexicographicallyPrecedes(am[i].key.utf8) {
                out.append(FieldChange(path: child(bm[j].key), kind: .added, old: nil, new: bm[j].value))
                j += 1
            } else {
                out += changes(from: am[i].value, to: bm[j].value, path: child(am[i].key))
                i += 1
                j += 1
            }
        }
        return out
    }

    /// RFC 6901 escaping: `~` as `~0`, `/` as `~1`.
    static func pointerEscape(_ s: String) -> String {
        guard s.contains("~") || s.contains("/") else { return s }
        var out = ""
        for c in s {
            switch c {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.append(c)
            }
        }
        return out
    }
}
