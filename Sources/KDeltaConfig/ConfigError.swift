/// Why a configuration file was refused: where (file, line, column, and the setting's
/// path such as `storage.retention[2].every`), what is wrong and what to do.
///
/// Lines and columns count from 1; columns count Unicode scalars, as the YAML parser
/// does. Retention rules are numbered from 1 in paths and messages.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, for callers and tests that react to the kind of problem.
    public enum Code: String, Sendable {
        /// The file could not be read (missing, permissions, a directory).
        case unreadable
        /// The file is larger than `ConfigLimits.fileBytesMax`.
        case tooLarge
        /// The file is not UTF-8.
        case notUTF8
        /// The text is not YAML (indentation, tabs, unclosed quotes, ...).
        case syntax
        /// A key that this version does not know.
        case unknownKey
        /// A key given twice in one mapping.
        case duplicateKey
        /// A mapping where a text was expected, or the like.
        case wrongType
        /// A required key is missing, or a key has no value.
        case missingValue
        /// A value that does not parse or is out of range.
        case invalidValue
        /// Settings that do not go together.
        case invalidCombination
    }

    /// What was wrong.
    public let code: Code
    /// The file's path, or a name such as `<default configuration>`.
    public let source: String
    /// The line of the problem, from 1, when known.
    public let line: Int?
    /// The column of the problem, from 1, when known.
    public let column: Int?
    /// The setting, as `storage.retention[2].every`; nil for the file as a whole.
    public let path: String?
    /// What happened and what to do.
    public let message: String
    /// The offending line of the file, for the snippet under the message.
    public let sourceLine: String?

    /// Creates an error.
    public init(code: Code, source: String, line: Int? = nil, column: Int? = nil, path: String? = nil,
                message: String, sourceLine: String? = nil) {
        self.code = code
        self.source = source
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `FILE:LINE:COLUMN: PATH: MESSAGE`, then the line with a caret under the column, as
    /// compilers print errors (editors jump to the place).
    public var description: String {
        var text = source
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if let path { text += path + ": " }
        text += message
        if let sourceLine, let column, column >= 1 {
            // Keep tabs in the caret's indentation so it lines up under a tab-indented line.
            var caret = ""
            for (i, scalar) in sourceLine.unicodeScalars.enumerated() where i < column - 1 {
                caret += scalar == "\t" ? "\t" : " "
            }
            text += "\n    " + sourceLine + "\n    " + caret + "^"
        }
        return text
    }
}
