/// Why a text is not a byte size (`ByteSize(parsing:)`), and where.
public struct ByteSizeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable {
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
    }

    /// What was wrong.
    public let code: Code
    /// The text that was refused.
    public let text: String
    /// The UTF-8 byte offset of the problem within `text`.
    public let byteOffset: Int
    /// What was wrong there, and what to write instead.
    public let detail: String

    /// Creates an error.
    public init(code: Code, text: String, byteOffset: Int, detail: String) {
        self.code = code
        self.text = text
        self.byteOffset = byteOffset
        self.detail = detail
    }

    /// "'64M' is not a size: at byte 2, 'M' is ambiguous: write MiB (1024² bytes) or MB …".
    public var description: String {
        "'\(text)' is not a size: at byte \(byteOffset), \(detail)"
    }
}
