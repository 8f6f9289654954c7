/// Why a text is not a value of one of the model's textual forms, and where: a code for
/// callers that react to the kind of problem, the text, the byte offset of the problem and
/// a detail that says what was wrong there. `ByteSizeError`, `DurationTextError` and
/// `RFC3339Error` are this shape, each with its own closed set of codes.
public struct TextParseError<Codes: TextParseErrorCode>: Error, Sendable, Equatable, CustomStringConvertible {
    /// The codes of this kind of error (`ByteSizeError.Code`, …).
    public typealias Code = Codes

    /// What was wrong.
    public let code: Code
    /// The text that was refused (an RFC 3339 time's is shortened to 64 bytes).
    public let text: String
    /// The UTF-8 byte offset of the problem within `text`, from 0.
    public let byteOffset: Int
    /// What was wrong there, or what was expected.
    public let detail: String

    /// Creates an error.
    public init(code: Code, text: String, byteOffset: Int, detail: String) {
        self.code = code
        self.text = text
        self.byteOffset = byteOffset
        self.detail = detail
    }

    /// "'90' is not a duration: at byte 2, the number has no unit; write durations like
    /// 90s, 15m, 1h30m, 7d, 2w, 1y". The text is shown with the characters a terminal
    /// hides escaped (`DisplayText.escaped`).
    public var description: String {
        "'\(DisplayText.escaped(text))' is not \(Code.valueName): at byte \(byteOffset), \(detail)\(Code.advice)"
    }
}

/// The codes of one kind of `TextParseError`, and the words its messages share.
public protocol TextParseErrorCode: Sendable, Equatable {
    /// What the text should have been: "a size", "a duration", "an RFC 3339 time".
    static var valueName: String { get }
    /// What every message of this kind ends with: how to write the value ("; write …"), or
    /// nothing where each detail says it.
    static var advice: String { get }
}
