/// Why a text is not a byte size (`ByteSize(parsing:)`), and where:
/// "'64M' is not a size: at byte 2, 'M' is ambiguous: write MiB (1024² bytes) or MB …".
public typealias ByteSizeError = TextParseError<ByteSizeErrorCode>

/// What was wrong with the text of a byte size (`ByteSizeError.Code`).
public enum ByteSizeErrorCode: String, TextParseErrorCode {
    /// The text is empty.
    case empty
    /// No digits where the number should be.
    case expectedNumber
    /// A suffix that is not a unit.
    case unknownUnit
    /// `K`, `KB`, `M`, `G`, `T`: read as 1000 by some and as 1024 by others.
    case ambiguousUnit
    /// A fraction that does not come to whole bytes (`0.1KiB`).
    case fractionalBytes
    /// More than `Int64.max` bytes.
    case overflow

    /// Messages say the text is not this.
    public static let valueName = "a size"
    /// Each detail says what to write instead.
    public static let advice = ""
}
