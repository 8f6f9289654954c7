/// The name of a series: `sensors/greenhouse/temp1`.
///
/// Rules (docs/keys.md): 1 to `Limits.keyBytesMax` UTF-8 bytes; segments separated by `/`,
/// none empty and none `.` or `..`; at most `Limits.keySegmentsMax` segments; no whitespace,
/// no control characters, no zero-width U+200B or U+FEFF, no bidirectional controls (which
/// reorder how a terminal shows the rest of the key, so `keys` could show a spoofed name),
/// and none of `* ? # + \ "`, which key patterns and MQTT topic filters use as wildcards or
/// which need quoting in a shell. Any other Unicode is allowed.
public struct Key: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The key's text, valid by construction.
    public let rawValue: String

    /// Validates `text` as a key.
    public init(_ text: String) throws(KeyError) {
        try Key.validate(text)
        self.rawValue = text
    }

    /// Wraps a text that was validated before (read back from the store's own files).
    public init(validated text: String) {
        self.rawValue = text
    }

    /// The key's text.
    public var description: String { rawValue }

    /// Namespace of the key: everything before the last `/`, or "" for a single segment.
    public var namespace: Substring {
        guard let slash = rawValue.lastIndex(of: "/") else { return "" }
        return rawValue[..<slash]
    }

    public static func < (lhs: Key, rhs: Key) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Throws the first problem of `text` as a key, naming its byte offset.
    public static func validate(_ text: String) throws(KeyError) {
        let byteCount = text.utf8.count
        if byteCount == 0 { throw KeyError(code: .empty, text: text) }
        if byteCount > Limits.keyBytesMax { throw KeyError(code: .tooLong, text: text) }
        var offset = 0
        var segmentStart = 0
        var segments = 1
        var segmentDots = 0
        var segmentLength = 0
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            defer { offset += width }
            if scalar == "/" {
                if segmentLength == 0 { throw KeyError(code: .emptySegment, text: text, byteOffset: offset) }
                if segmentDots == segmentLength {
                    throw KeyError(code: .dotSegment, text: text, byteOffset: segmentStart)
                }
                segments += 1
                if segments > Limits.keySegmentsMax { throw KeyError(code: .tooManySegments, text: text) }
                segmentStart = offset + 1
                segmentLength = 0
                segmentDots = 0
                continue
            }
            if isForbidden(scalar) {
                throw KeyError(code: .forbiddenCharacter, text: text, byteOffset: offset, scalar: scalar)
            }
            segmentLength += 1
            if scalar == "." { segmentDots += 1 }
        }
        if segmentLength == 0 { throw KeyError(code: .emptySegment, text: text, byteOffset: byteCount) }
        if segmentDots == segmentLength { throw KeyError(code: .dotSegment, text: text, byteOffset: segmentStart) }
    }

    @inline(__always)
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v <= 0x20 || v == 0x7F || (0x80...0xA0).contains(v) { return true }
        switch scalar {
        case "*", "?", "#", "+", "\\", "\"": return true
        case "\u{1680}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}": return true
        default: return (0x2000...0x200B).contains(v) || isBidiControl(scalar)
        }
    }

    /// The bidirectional formatting characters of Unicode's UAX #9: the Arabic letter mark
    /// U+061C, the marks U+200E and U+200F, the embeddings and overrides U+202A-U+202E and
    /// the isolates U+2066-U+2069. A terminal shows none of them, and the overrides reverse
    /// what follows (`a\u{202E}pmet` shows as `atemp`).
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
