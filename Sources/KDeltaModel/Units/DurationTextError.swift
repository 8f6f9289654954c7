/// Why a text is not a duration (`DurationText`), and where.
public struct DurationTextError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable {
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
    }

    /// What was wrong.
    public let code: Code
    /// The text that was refused.
    public let text: String
    /// The UTF-8 byte offset of the problem within `text`.
    public let byteOffset: Int
    /// What was expected or found there.
    public let detail: String

    /// Creates an error.
    public init(code: Code, text: String, byteOffset: Int, detail: String) {
        self.code = code
        self.text = text
        self.byteOffset = byteOffset
        self.detail = detail
    }

    /// "'90' is not a duration: at byte 2, the number has no unit; …".
    public var description: String {
        "'\(text)' is not a duration: at byte \(byteOffset), \(detail); write durations like 90s, 15m, 1h30m, 7d, 2w, 1y"
    }
}
