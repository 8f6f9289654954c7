import KDeltaModel

/// What changed between two versions of a key.
public struct VersionDiff: Sendable, Equatable {
    /// The older version.
    public var from: Version
    /// The newer version.
    public var to: Version
    /// The change of value.
    public var change: Change

    /// How the value changed.
    public enum Change: Sendable, Equatable {
        /// Both values are equal.
        case unchanged
        /// Both are numbers: `to - from` (as a double; exact for ints within 2^53).
        case numeric(delta: Double)
        /// Both are JSON documents: the fields that differ, by JSON Pointer path.
        case document([FieldChange])
        /// Any other change (strings, bools, a change of type): old and new value.
        case replaced
    }

    /// Milliseconds between the two versions' times.
    public var elapsedMs: Int64 { to.timeMs - from.timeMs }
}

/// One field of a JSON document that differs between two versions.
public struct FieldChange: Sendable, Equatable {
    /// The field's JSON Pointer (RFC 6901), such as `/battery` or `/update/state`.
    public var path: String
    /// What happened to it.
    public var kind: Kind
    /// The old value (`removed`, `changed`).
    public var old: JSONValue?
    /// The new value (`added`, `changed`).
    public var new: JSONValue?

    /// What happened to a field.
    public enum Kind: String, Sendable, Equatable {
        case added
        case removed
        case changed
    }
}
