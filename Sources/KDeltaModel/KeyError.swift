/// Why a text is not a valid key. Every case carries what the message needs to point at
/// the offending byte.
public struct KeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable {
        case empty
        case tooLong
        case tooManySegments
        case emptySegment
        case dotSegment
        case forbiddenCharacter
    }

    /// What was wrong.
    public let code: Code
    /// The text that was refused.
    public let text: String
    /// The byte offset of the problem within `text`, when there is one.
    public let byteOffset: Int?
    /// The offending Unicode scalar, for `forbiddenCharacter`.
    public let scalar: Unicode.Scalar?

    /// Creates a key error.
    public init(code: Code, text: String, byteOffset: Int? = nil, scalar: Unicode.Scalar? = nil) {
        self.code = code
        self.text = text
        self.byteOffset = byteOffset
        self.scalar = scalar
    }

    /// A message that says what was wrong, where, and what to do.
    public var description: String {
        let shown = DisplayText.shortened(text)
        switch code {
        case .empty:
            return "the key is empty; a key names a series, such as sensors/greenhouse/temp1"
        case .tooLong:
            return "key '\(shown)' is \(text.utf8.count) bytes long; keys are at most \(Limits.keyBytesMax) UTF-8 bytes: shorten it"
        case .tooManySegments:
            return "key '\(shown)' has more than \(Limits.keySegmentsMax) segments separated by '/'; flatten it"
        case .emptySegment:
            return "key '\(shown)' has an empty segment at byte \(byteOffset ?? 0) (a leading or trailing '/', or '//'); remove the extra '/'"
        case .dotSegment:
            return "key '\(shown)' has a '.' or '..' segment at byte \(byteOffset ?? 0); segments may not be dots only"
        case .forbiddenCharacter:
            let s = scalar.map { Self.describe($0) } ?? "a forbidden character"
            return "key '\(shown)' has \(s) at byte \(byteOffset ?? 0); keys may not contain whitespace, control characters, invisible or bidirectional control characters, or any of * ? # + \\ \" (wildcards and quoting): replace it, for example with '_'"
        }
    }

    /// Names a refused character; one that a terminal does not show as itself (a control,
    /// an invisible or a bidirectional character) by its code point alone, so the message
    /// cannot hide it or reorder the line around it.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = DisplayText.codePoint(scalar)
        switch scalar {
        case " ": return "a space (\(code))"
        case "\t": return "a tab (\(code))"
        case "\n", "\r", "\u{2028}", "\u{2029}": return "a line break (\(code))"
        default:
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                return "a control character (\(code))"
            }
            if Key.isBidiControl(scalar) { return "a bidirectional control character (\(code))" }
            if scalar.properties.isWhitespace { return "a space (\(code))" }
            if DisplayText.isHidden(scalar) { return "an invisible character (\(code))" }
            return "'\(Character(scalar))' (\(code))"
        }
    }
}
