/// Why bytes could not be decoded: what is wrong and where, in one sentence.
///
/// Every decoder of this module throws it, from a varint in a WAL record to a frame of a
/// column (docs/format/columns.md), and never reads out of bounds instead. `message` names
/// the part (which column, which frame, which field) and `offset`, when known, the byte
/// where the bad input starts.
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and where, e.g. "DoubleColumn frame 3 (values 384..<512): exception
    /// position 130 is outside the frame's 128 values".
    public var message: String
    /// The byte offset in the decoded input where the problem starts, when one is known.
    public var offset: Int?

    /// An error with a message and, when known, the offset it is about.
    public init(message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    /// The input ended `needed` bytes too early at `offset`.
    public static func truncated(offset: Int, needed: Int) -> CodecError {
        CodecError(message: "input ends at offset \(offset) where \(needed) more bytes were expected", offset: offset)
    }

    /// The bytes at `offset` are not valid: `what` says why.
    public static func malformed(offset: Int, what: String) -> CodecError {
        CodecError(message: "\(what) at offset \(offset)", offset: offset)
    }

    public var description: String { message }
}
