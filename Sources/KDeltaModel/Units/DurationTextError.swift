/// Why a text is not a duration (`DurationText`), and where:
/// "'90' is not a duration: at byte 2, the number has no unit; write durations like 90s, …".
public typealias DurationTextError = TextParseError<DurationTextErrorCode>

/// What was wrong with the text of a duration (`DurationTextError.Code`).
public enum DurationTextErrorCode: String, TextParseErrorCode {
    /// Nothing but spaces.
    case empty
    /// A unit or other character where a number should start.
    case expectedNumber
    /// A number without a unit (`90`).
    case missingUnit
    /// A suffix that is not one of `ms s m h d w y`.
    case unknownUnit
    /// A unit repeated or smaller before larger (`30m1h`).
    case unitOrder
    /// A decimal point (`1.5h`).
    case fraction
    /// More than `Int64.max` milliseconds.
    case overflow

    /// Messages say the text is not this.
    public static let valueName = "a duration"
    /// Every message ends with this example.
    public static let advice = "; write durations like 90s, 15m, 1h30m, 7d, 2w, 1y"
}
