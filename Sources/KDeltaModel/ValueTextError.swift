/// Why a text given as a value (`put KEY VALUE`, a batch file's value field) was refused.
public struct ValueTextError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable {
        /// Nothing was given; an empty string has to be written `""`.
        case empty
        /// Longer than `Limits.valueBytesMax` (for a document: its canonical text).
        case tooLong
        /// Starts with `{` or `[` but is not a valid JSON document.
        case invalidDocument
        /// Starts with `"` but is not one valid JSON string.
        case invalidString
        /// A number beyond the range of a double, which would read as infinity.
        case numberOutOfRange
        /// A non-zero number too small for a double (below about 4.9e-324), which would
        /// read as zero.
        case numberTooSmall
        /// An `i`-suffixed integer that does not fit an `Int64`.
        case integerOutOfRange
        /// A number with the `i` suffix that is not an integer (`1.5i`).
        case notAnInteger
        /// Text that is not well-formed UTF-8.
        case invalidUTF8
        /// Text with a NUL byte, which no one types: the zeroed tail that a power cut
        /// leaves in a file (`21\0\0\0\0`) would otherwise be stored as text that prints
        /// as `21`.
        case nulByte
        /// A command-line value with blanks around what would otherwise read as a number,
        /// a bool or JSON (`' 21.5'`): a typo is likelier than text, and the text would
        /// print like the number (`Value.parse(argument:)`).
        case blankAroundValue
    }

    /// What was wrong.
    public let code: Code
    /// The refused text, shortened to 64 bytes.
    public let text: String
    /// Where in the text the problem is, from 0.
    public let byteOffset: Int
    /// The JSON parser's error, for `invalidDocument` and `invalidString`.
    public let json: JSONError?
    /// The blank at `byteOffset`, for `blankAroundValue`.
    public let scalar: Unicode.Scalar?

    /// Creates an error.
    public init(code: Code, text: String, byteOffset: Int, json: JSONError? = nil, scalar: Unicode.Scalar? = nil) {
        self.code = code
        self.text = text
        self.byteOffset = byteOffset
        self.json = json
        self.scalar = scalar
    }

    /// What was wrong, where, and what to write instead. The text is shown with the
    /// characters a terminal hides escaped (`DisplayText.escaped`).
    public var description: String {
        let text = DisplayText.escaped(self.text)
        switch code {
        case .empty:
            return "the value is empty; give a number (21.5), an integer (42i), true or false, a JSON document, or text (\"\" for an empty string)"
        case .tooLong:
            return "the value '\(text)...' is longer than \(Limits.valueBytesMax) bytes (a document counts in its compact canonical form), the largest value the store keeps; store less or split it"
        case .invalidDocument:
            return "the value starts like a JSON document but is not one: \(json.map { "\($0)" } ?? "invalid JSON"); fix it, or write it as a JSON string (\"...\") to store it as text"
        case .invalidString:
            return "the value starts with '\"' but is not one JSON string: \(json.map { "\($0)" } ?? "invalid JSON"); close the quote and escape inner quotes as \\\""
        case .numberOutOfRange:
            return "the number '\(text)' is beyond the range of a double (about ±1.8e308); write +Inf or -Inf if you mean infinity"
        case .numberTooSmall:
            return "the number '\(text)' is too small for a double (the smallest is about 4.9e-324) and would read as 0; write it JSON-quoted ('\"\(text)\"') to store it as text, or scale it to a larger unit"
        case .integerOutOfRange:
            return "'\(text)' does not fit a 64-bit integer (-9223372036854775808 to 9223372036854775807); drop the i to store it as a double"
        case .notAnInteger:
            return "'\(text)': the i suffix marks an integer, and this number is not one; drop the i to store it as a double"
        case .invalidUTF8:
            return "the value is not valid UTF-8 at byte \(byteOffset); save the file as UTF-8"
        case .nulByte:
            return "the value '\(text)' has a NUL byte at byte \(byteOffset), as the zeroed tail of a file cut short by a power loss has; check the line, and write \\u0000 in a JSON-quoted value if the text really holds one"
        case .blankAroundValue:
            let blank = scalar.map(KeyError.describe) ?? "a blank"
            let core = DisplayText.escaped(String(Value.trimmingBlanks(Substring(self.text))))
            return "the value '\(text)' has \(blank) at byte \(byteOffset), around '\(core)', which reads as a number, a bool or JSON; blanks and invisible characters are never trimmed, so this would be stored as text that prints like \(core): remove them to store \(core), or write the text JSON-quoted ('\"\(text)\"') to store it as text"
        }
    }
}
