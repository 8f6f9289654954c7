/// A pattern over keys, as MQTT topic filters are over topics: `sensors/greenhouse/#`,
/// `sensors/+/temp`, or an exact key (docs/keys.md, "Key patterns").
///
/// Segments are separated by `/` like a key's:
/// - `+` as a whole segment matches exactly one segment, whatever it is;
/// - `#` as the whole last segment matches the rest of the key: zero or more segments, so
///   `sensors/#` matches `sensors` itself as well as `sensors/a/b` (MQTT's rule), and `#`
///   alone matches every key;
/// - any other segment is literal and follows the key rules (no empty, `.` or `..`
///   segment, no whitespace, control characters or `* ? \ "`).
///
/// `+` or `#` inside a segment (`temp+`, `a#`) and `#` before the last segment are refused
/// with an error naming the segment, rather than read literally, since keys cannot contain
/// them. Literal segments compare as Swift strings compare, by Unicode canonical
/// equivalence, which is how `Key` compares: a pattern matches exactly the keys that equal
/// a key it matches.
public struct KeyPattern: Hashable, Sendable, CustomStringConvertible {
    /// One segment of a pattern.
    public enum Segment: Hashable, Sendable {
        /// Matches a key segment equal to this text.
        case literal(String)
        /// `+`: matches any one segment.
        case anySegment
        /// `#`: matches the rest of the key, zero or more segments; always last.
        case rest
    }

    /// The pattern as written.
    public let rawValue: String
    /// The parsed segments; `.rest` only ever last.
    public let segments: [Segment]

    /// Validates and parses `text`.
    public init(_ text: String) throws(KeyPatternError) {
        let byteCount = text.utf8.count
        if byteCount == 0 { throw KeyPatternError(code: .empty, text: text) }
        if byteCount > Limits.keyBytesMax { throw KeyPatternError(code: .tooLong, text: text) }
        var segments: [Segment] = []
        var offset = 0
        var index = 0
        // Split on the scalar '/', as Key.validate does: a combining mark after '/' must not
        // glue two segments into one Character.
        let parts = text.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false).map { Substring($0) }
        if parts.count > Limits.keySegmentsMax { throw KeyPatternError(code: .tooManySegments, text: text) }
        for part in parts {
            defer {
                offset += part.utf8.count + 1
                index += 1
            }
            if part.isEmpty {
                throw KeyPatternError(code: .emptySegment, text: text, byteOffset: offset, segmentIndex: index)
            }
            if part == "+" {
                segments.append(.anySegment)
                continue
            }
            if part == "#" {
                if index != parts.count - 1 {
                    throw KeyPatternError(code: .restNotLast, text: text, byteOffset: offset, segmentIndex: index)
                }
                segments.append(.rest)
                continue
            }
            var inner = offset
            var dots = 0
            for scalar in part.unicodeScalars {
                if scalar == "+" || scalar == "#" {
                    throw KeyPatternError(code: .wildcardInSegment, text: text, byteOffset: inner, segmentIndex: index, scalar: scalar)
                }
                if Key.isForbidden(scalar) {
                    throw KeyPatternError(code: .forbiddenCharacter, text: text, byteOffset: inner, segmentIndex: index, scalar: scalar)
                }
                if scalar == "." { dots += 1 }
                inner += UTF8.width(scalar)
            }
            if dots == part.unicodeScalars.count {
                throw KeyPatternError(code: .dotSegment, text: text, byteOffset: offset, segmentIndex: index)
            }
            segments.append(.literal(String(part)))
        }
        self.rawValue = text
        self.segments = segments
    }

    /// The pattern that matches `key` and nothing else.
    public init(exactly key: Key) {
        self.rawValue = key.rawValue
        self.segments = key.rawValue.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false)
            .map { .literal(String(Substring($0))) }
    }

    /// True when the pattern has no wildcard: it matches one key.
    public var isExact: Bool {
        !segments.contains { $0 == .anySegment || $0 == .rest }
    }

    /// Whether `key` matches. Walks the key once without allocating.
    public func matches(_ key: Key) -> Bool {
        var rest: Substring.UnicodeScalarView? = key.rawValue.unicodeScalars[...]
        for segment in segments {
            if segment == .rest { return true }
            guard let head = Self.nextSegment(&rest) else { return false }
            if case .literal(let text) = segment, head != text { return false }
        }
        return rest == nil
    }

    /// Takes the next segment off `rest`; nil once the key is used up. Slices by unicode
    /// scalars (a '/' byte is always a whole scalar), so no segment boundary moves to a
    /// Character boundary, and nothing is copied.
    @inline(__always)
    static func nextSegment(_ rest: inout Substring.UnicodeScalarView?) -> Substring? {
        guard let remaining = rest else { return nil }
        if let slash = remaining.firstIndex(of: "/") {
            rest = remaining[remaining.index(after: slash)...]
            return Substring(remaining[..<slash])
        }
        rest = nil
        return Substring(remaining)
    }

    /// The pattern as written.
    public var description: String { rawValue }
}
