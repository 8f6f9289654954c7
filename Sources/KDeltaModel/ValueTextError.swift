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
        /// An `i`-suffixed integer that does not fit an `Int64`.
        case integerOutOfRange
        /// A number with the `i` suffix that is not an integer (`1.5i`).
        case notAnInteger
        /// Text that is not well-formed UTF-8.
        case invalidUTF8
    }

    /// What was wrong.
    public let code: Code
    /// The refused text, shortened to 64 bytes.
    public let text: String
    /// Where in the text the problem is, from 0.
    public let byteOffset: Int
    /// The JSON parser's error, for `invalidDocument` and `invalidString`.
    public let json: JSONError?

    /// Creates an error.
    public init(code: Code, text: String, byteOffset: Int, json: JSONError? = nil) {
        self.code = code
        self.text = text
        self.byteOffset = byteOffset
        self.json = json
    }

    /// What was wrong, where, and what to write instead.
    public var description: String {
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
        case .integerOutOfRange:
            return "'\(text)' does not fit a 64-bit integer (-9223372036854775808 to 9223372036854775807); drop the i to store it as a double"
        case .notAnInteger:
            return "'\(text)': the i suffix marks an integer, and this number is not one; drop the i to store it as a double"
        case .invalidUTF8:
            return "the value is not valid UTF-8 at byte \(byteOffset); save the file as UTF-8"
        }
    }
}
