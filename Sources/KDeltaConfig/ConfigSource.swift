import KDeltaYAML

/// The configuration text being read and its name; makes errors that point into it.
/// Lives only while one `EdgeConfiguration.parse` runs (it makes the errors of one read).
final class ConfigSource {
    /// The file's path or another name for the text.
    let name: String
    /// The text's lines, for the snippet under an error.
    let lines: [Substring]

    init(name: String, text: String) {
        self.name = name
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The line numbered `line` (from 1) without its line break, if it exists.
    func sourceLine(_ line: Int?) -> String? {
        guard let line, line >= 1, line <= lines.count else { return nil }
        var text = String(lines[line - 1])
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// An error at `line`:`column`.
    func error(_ code: ConfigError.Code, line: Int?, column: Int?, path: String?, _ message: String) -> ConfigError {
        ConfigError(code: code, source: name, line: line, column: column, path: path, message: message,
                    sourceLine: sourceLine(line))
    }

    /// An error for the YAML parser's complaint, with a hint for the usual causes.
    func syntaxError(_ yaml: YAMLError) -> ConfigError {
        let problem = yaml.description
        let line = yaml.line
        let column = yaml.column
        var hint = "check the indentation (spaces only, the same depth for keys of one mapping) and the quotes near there"
        if let text = sourceLine(line), text.contains("\t") {
            hint = "YAML does not allow tabs for indentation: indent with spaces"
        }
        return self.error(.syntax, line: line, column: column, path: nil, "the file is not valid YAML: \(problem); \(hint)")
    }
}
