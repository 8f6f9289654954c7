/// Why a text is not an RFC 3339 time the store accepts, and where:
/// "'2017-13-01T00:00:00Z' is not an RFC 3339 time: at byte 5, month 13 is not 01-12;
/// write times like 2006-12-16T17:24:00Z or 2006-12-16T17:24:00.250+01:00".
public typealias RFC3339Error = TextParseError<RFC3339ErrorCode>

/// What was wrong with the text of an RFC 3339 time (`RFC3339Error.Code`).
public enum RFC3339ErrorCode: String, TextParseErrorCode {
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

    /// Messages say the text is not this.
    public static let valueName = "an RFC 3339 time"
    /// Every message ends with this example.
    public static let advice = "; write times like 2006-12-16T17:24:00Z or 2006-12-16T17:24:00.250+01:00"
}
