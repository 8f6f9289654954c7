/// Why a text is not a JSON document the store accepts, and where.
///
/// The parser only records the byte offset while it runs; the line and column are counted
/// once, when the error is made, so the happy path pays nothing for them.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, for callers that react to the kind of problem (tests, the API's
    /// error codes) rather than print the message.
    public enum Code: String, Sendable {
        /// A byte that cannot start or continue what the grammar expects here.
        case unexpectedByte
        /// The text ended inside a value.
        case unexpectedEnd
        /// A number that breaks RFC 8259's grammar (leading zeros, a bare '.', ...).
        case invalidNumber
        /// A number too large for a double (it would read as infinity).
        case numberOutOfRange
        /// A non-zero number too small for a double (it would read as zero).
        case numberTooSmall
        /// A backslash escape that RFC 8259 does not define.
        case invalidEscape
        /// A `\uD800`-`\uDFFF` escape that is not half of a surrogate pair.
        case loneSurrogate
        /// A raw control character (below U+0020) inside a string.
        case controlCharacter
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// An object names the same member twice.
        case duplicateKey
        /// Containers nest deeper than the parser's depth limit.
        case tooDeep
        /// The text is longer than the parser's size limit.
        case tooLarge
        /// Something other than whitespace follows the document.
        case trailingContent
    }

    /// What was wrong.
    public let code: Code
    /// What was expected or found, as a sentence fragment ("expected ':' after the member
    /// name, found 'x'").
    public let detail: String
    /// Offset of the offending byte from the start of the text, from 0.
    public let byteOffset: Int
    /// The line of the offending byte, from 1.
    public let line: Int
    /// The column of the offending byte within its line, from 1, counted in bytes (a
    /// terminal shows multi-byte characters narrower, but bytes are what tools agree on).
    public let column: Int

    /// Creates an error; `line` and `column` locate `byteOffset` for a reader.
    public init(code: Code, detail: String, byteOffset: Int, line: Int, column: Int) {
        self.code = code
        self.detail = detail
        self.byteOffset = byteOffset
        self.line = line
        self.column = column
    }

    /// "invalid JSON at line 1, column 7 (byte 6): expected ',' or '}' after an object
    /// member, found 'x'".
    public var description: String {
        "invalid JSON at line \(line), column \(column) (byte \(byteOffset)): \(detail)"
    }
}
