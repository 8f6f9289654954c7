/// The value of one reading: a small tagged union.
///
/// Equality is exact: doubles compare by bit pattern, so NaN equals the same NaN and
/// `-0.0` differs from `0.0`. A store must give back exactly what it was given.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case double(Double)
    case int(Int64)
    case bool(Bool)
    case string(String)
    case document(JSONValue)

    /// The tag byte used in every encoding (docs/format/version.md).
    public var tag: ValueTag {
        switch self {
        case .double: return .double
        case .int: return .int
        case .bool: return .bool
        case .string: return .string
        case .document: return .document
        }
    }

    /// The value as a number, for doubles and ints.
    public var number: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.int(let a), .int(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.document(let a), .document(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tag)
        switch self {
        case .double(let d): hasher.combine(d.bitPattern)
        case .int(let i): hasher.combine(i)
        case .bool(let b): hasher.combine(b)
        case .string(let s): hasher.combine(s)
        case .document(let j): hasher.combine(j)
        }
    }

    /// The value as a user reads it and `put` takes it back (`Value.parse(text:)`): `21.5`,
    /// `42i`, `true`, `open`, or the document's canonical JSON. Ints carry the `i` suffix
    /// of the Influx line protocol; a string whose text would read as another type (`42`,
    /// `true`, `{}`) or not at all (empty), or would print like one (` 21.5`, `21.5` and
    /// NUL bytes: `Value.textLooksLikeAnotherValue`) is JSON-quoted (`"42"`, `" 21.5"`), so
    /// that it does not look like the number.
    public var description: String {
        switch self {
        case .double(let d): return Value.formatDouble(d)
        case .int(let i): return "\(i)i"
        case .bool(let b): return b ? "true" : "false"
        case .string(let s):
            if let parsed = try? Value.parse(text: s), parsed == self, !Value.textLooksLikeAnotherValue(s) { return s }
            return JSONValue.string(s).canonicalText
        case .document(let j): return j.canonicalText
        }
    }

    /// Shortest text that reads back as the same double; `NaN`, `+Inf`, `-Inf` for the
    /// non-finite ones.
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == d.rounded(), abs(d) < 1e15 {
            // 21.0 prints as "21": a decimal sensor value, not a float-looking "21.0".
            let i = Int64(d)
            if i == 0 && d.sign == .minus { return "-0" }
            return String(i)
        }
        return d.description
    }
}

/// The tag of a value in every encoding. The numbers are part of the on-disk formats.
public enum ValueTag: UInt8, Sendable, Hashable {
    case double = 1
    case int = 2
    case bool = 3
    case string = 4
    case document = 5

    /// The name used in JSON output and docs.
    public var name: String {
        switch self {
        case .double: return "double"
        case .int: return "int"
        case .bool: return "bool"
        case .string: return "string"
        case .document: return "document"
        }
    }
}
