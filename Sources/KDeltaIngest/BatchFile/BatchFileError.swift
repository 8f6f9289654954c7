import KDeltaModel

/// Why a batch file (`kdelta-edge put --batch FILE`) cannot be imported, and where.
///
/// It names the file, the line and column (both from 1; the column counts bytes), shows
/// the offending text, and its message says what to change, so that the line printed by
/// the CLI is enough to fix the file: `data.csv:7:24: ...`.
public struct BatchFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, for callers and tests that react to the kind of problem.
    public enum Code: String, Sendable {
        /// Opening or reading the file failed.
        case io
        /// The CSV file has no header row (it is empty or blank).
        case missingHeader
        /// The CSV header names unknown, repeated or too few columns.
        case header
        /// A line is longer than `IngestLimits.batchFileLineBytesMax`.
        case lineTooLong
        /// A CSV record has a different number of fields than the header.
        case fieldCount
        /// A CSV quoting mistake: an unclosed quote, text after a closing quote, a quote
        /// inside an unquoted field, a carriage return without a line feed.
        case quoting
        /// The key is not a valid key.
        case key
        /// The time is neither Unix milliseconds nor an RFC 3339 time in range.
        case time
        /// The value cannot be read.
        case value
        /// A JSON line is not valid JSON or not the expected object.
        case json
    }

    /// What was wrong.
    public let code: Code
    /// The file's name as the user gave it (`-` or `<stdin>` for standard input).
    public let fileName: String
    /// The line, from 1; 0 when the error is about the whole file (I/O).
    public let line: Int
    /// The column in bytes, from 1; 0 when there is none.
    public let column: Int
    /// The offending text, cut to `IngestLimits.batchFileErrorTextBytesMax` bytes.
    public let text: String
    /// What was wrong and what to do about it.
    public let message: String

    /// Creates an error.
    public init(code: Code, fileName: String, line: Int, column: Int, text: String, message: String) {
        self.code = code
        self.fileName = fileName
        self.line = line
        self.column = column
        self.text = text
        self.message = message
    }

    /// `FILE:LINE:COLUMN: MESSAGE (text: '...')`, the form editors and terminals link to.
    /// The file name and the text are shown with the characters a terminal hides escaped
    /// (`DisplayText.escaped`): a line of a damaged file may hold NULs or escape sequences.
    public var description: String {
        var out = DisplayText.escaped(fileName)
        if line > 0 {
            out += ":\(line)"
            if column > 0 { out += ":\(column)" }
        }
        out += ": " + message
        if !text.isEmpty { out += " (text: '\(DisplayText.escaped(text))')" }
        return out
    }

    /// The first bytes of `bytes`, cut at a character boundary, for an error's `text`.
    static func shorten(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let limit = IngestLimits.batchFileErrorTextBytesMax
        if bytes.count <= limit { return String(decoding: bytes, as: UTF8.self) }
        var cut = limit
        while cut > 0, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<cut]), as: UTF8.self) + "..."
    }
}
