/// A JSON document, as stored in a `Value.document`.
///
/// Objects keep their members sorted by key (UTF-8 byte order) and without duplicates, so
/// two documents that mean the same thing are equal and hash the same: the canonical text
/// (`JSONValue+Canonical.swift`, docs/format/version.md) is what the version id covers.
/// Numbers are either exact integers that fit an `Int64` or finite doubles.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Members sorted by key, keys unique. Use `JSONValue.object(_:)` to build one from
    /// unsorted pairs.
    case object([JSONMember])
}

/// One member of a JSON object. Names compare by their UTF-8 bytes, not by Unicode
/// canonical equivalence: "é" precomposed and "e" + combining accent are different names,
/// as they have different canonical text and so different version ids.
public struct JSONMember: Sendable, Hashable {
    /// The member's name.
    public var key: String
    /// The member's value.
    public var value: JSONValue

    /// Creates a member.
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }

    public static func == (a: JSONMember, b: JSONMember) -> Bool {
        a.key.utf8.elementsEqual(b.key.utf8) && a.value == b.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key.utf8.count)
        for byte in key.utf8 { hasher.combine(byte) }
        hasher.combine(value)
    }
}

extension JSONValue {
    /// An object from members in any order; a later duplicate key replaces an earlier one.
    public static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        var sorted: [JSONMember] = []
        sorted.reserveCapacity(members.count)
        for (k, v) in members { sorted.append(JSONMember(k, v)) }
        // Stable sort keeps input order among equal keys, so the last one wins below.
        sorted = sorted.enumerated().sorted { a, b in
            if a.element.key.utf8.elementsEqual(b.element.key.utf8) { return a.offset < b.offset }
            return a.element.key.utf8.lexicographicallyPrecedes(b.element.key.utf8)
        }.map(\.element)
        var unique: [JSONMember] = []
        unique.reserveCapacity(sorted.count)
        for m in sorted {
            if let last = unique.last, last.key.utf8.elementsEqual(m.key.utf8) { unique[unique.count - 1] = m } else { unique.append(m) }
        }
        return .object(unique)
    }

    /// The member named `key`, when this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }
}
