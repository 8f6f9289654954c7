/// Why a text is not a valid key pattern (`KeyPattern`), naming the segment and byte.
public struct KeyPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable {
        case empty
        case tooLong
        case tooManySegments
        /// A leading or trailing `/`, or `//`.
        case emptySegment
        /// A literal segment that is `.` or `..`.
        case dotSegment
        /// `#` before the last segment (`a/#/b`).
        case restNotLast
        /// `+` or `#` together with other characters in one segment (`temp+`, `a#`).
        case wildcardInSegment
        /// Whitespace, a control character or one of `* ? \ "` in a literal segment.
        case forbiddenCharacter
    }

    /// What was wrong.
    public let code: Code
    /// The text that was refused.
    public let text: String
    /// The UTF-8 byte offset of the problem within `text`, when there is one.
    public let byteOffset: Int?
    /// The segment's position, counting from 1, when the problem is in one segment.
    public let segmentIndex: Int?
    /// The offending Unicode scalar, for `wildcardInSegment` and `forbiddenCharacter`.
    public let scalar: Unicode.Scalar?

    /// Creates an error; `segmentIndex` counts from 0 here and prints from 1.
    public init(code: Code, text: String, byteOffset: Int? = nil, segmentIndex: Int? = nil, scalar: Unicode.Scalar? = nil) {
        self.code = code
        self.text = text
        self.byteOffset = byteOffset
        self.segmentIndex = segmentIndex.map { $0 + 1 }
        self.scalar = scalar
    }

    /// A message that says what was wrong, where, and what to write instead.
    public var description: String {
        let shown = text.utf8.count > 80 ? String(text.prefix(77)) + "..." : text
        let at = "segment \(segmentIndex ?? 0) (byte \(byteOffset ?? 0))"
        switch code {
        case .empty:
            return "the key pattern is empty; write a key, or use + for one segment and # for the rest, as in sensors/+/temp or sensors/#"
        case .tooLong:
            return "key pattern '\(shown)' is \(text.utf8.count) bytes long; patterns are at most \(Limits.keyBytesMax) UTF-8 bytes, as keys are"
        case .tooManySegments:
            return "key pattern '\(shown)' has more than \(Limits.keySegmentsMax) segments; keys have at most \(Limits.keySegmentsMax), so it could match nothing"
        case .emptySegment:
            return "key pattern '\(shown)' has an empty \(at) (a leading or trailing '/', or '//'); remove the extra '/'"
        case .dotSegment:
            return "key pattern '\(shown)' has a '.' or '..' as \(at); keys have no such segments, so it could match nothing"
        case .restNotLast:
            return "key pattern '\(shown)' has '#' as \(at), but '#' matches the rest of a key and must be the last segment; use '+' for one segment"
        case .wildcardInSegment:
            let w = scalar.map { String(Character($0)) } ?? "+"
            return "key pattern '\(shown)' has '\(w)' inside \(at); '+' and '#' are wildcards only as a whole segment (sensors/+/temp, sensors/#), and keys cannot contain them"
        case .forbiddenCharacter:
            let s = scalar.map { KeyError.describe($0) } ?? "a forbidden character"
            return "key pattern '\(shown)' has \(s) in \(at); keys cannot contain whitespace, control characters or any of * ? \\ \" (use + for one segment and # for the rest)"
        }
    }
}
