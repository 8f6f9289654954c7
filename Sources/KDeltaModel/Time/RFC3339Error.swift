/// Why a text is not an RFC 3339 time the store accepts, and where.
public struct RFC3339Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, for callers that react to the kind of problem.
    public enum Code: String, Sendable {
        /// A byte where the format wants something else (a digit, '-', ':', 'T', ...).
        case unexpectedByte
        /// The text ends before the time is complete.
        case unexpectedEnd
        /// A field is out of its range (month 13, day 31 in April, hour 24, ...).
        case fieldOutOfRange
        /// No `Z` or `±hh:mm` at the end: without it the instant is unknown.
        case missingOffset
        /// Something follows the offset.
        case trailingContent
        /// A valid time outside `Limits.sourceTimeMsMin...Limits.sourceTimeMsMax`.
        case outOfRange
    }

    /// What was wrong.
    public let code: Code
    /// The text that was refused (shortened to 64 bytes).
    public let text: String
    /// Offset of the offending byte within `text`, from 0.
    public let byteOffset: Int
    /// What was expected or found at `byteOffset`.
    public let detail: String

    /// Creates an error.
    public init(code: Code, text: String, byteOffset: Int, detail: String) {
        self.code = code
        self.text = text
        self.byteOffset = byteOffset
        self.detail = detail
    }

    /// "'2017-13-01T00:00:00Z' is not an RFC 3339 time: at byte 5, month 13 is not 01-12;
    /// write times like 2006-12-16T17:24:00Z or 2006-12-16T17:24:00.250+01:00".
    public var description: String {
        "'\(text)' is not an RFC 3339 time: at byte \(byteOffset), \(detail); write times like 2006-12-16T17:24:00Z or 2006-12-16T17:24:00.250+01:00"
    }
}
