import Yams

/// The configuration text being read and its name; makes errors that point into it.
/// Lives only while one `EdgeConfiguration.parse` runs (Yams nodes are not Sendable).
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
    func syntaxError(_ error: any Error) -> ConfigError {
        guard let yaml = error as? YamlError else {
            return self.error(.syntax, line: nil, column: nil, path: nil, "the file is not valid YAML: \(error)")
        }
        var problem: String
        var line: Int?
        var column: Int?
        switch yaml {
        case .scanner(let context, let p, let mark, _), .parser(let context, let p, let mark, _),
             .composer(let context, let p, let mark, _):
            problem = p
            if let context { problem += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            line = mark.line
            column = mark.column
        case .reader(let p, let offset, _, _):
            problem = p
            if let offset { (line, column) = position(ofCharacter: offset) }
        default:
            problem = "\(yaml)"
        }
        var hint = "check the indentation (spaces only, the same depth for keys of one mapping) and the quotes near there"
        if let text = sourceLine(line), text.contains("\t") {
            hint = "YAML does not allow tabs for indentation: indent with spaces"
        }
        return self.error(.syntax, line: line, column: column, path: nil, "the file is not valid YAML: \(problem); \(hint)")
    }

    /// Line and column (from 1) of the `offset`-th Character of the text.
    func position(ofCharacter offset: Int) -> (Int, Int) {
        var remaining = offset
        for (i, l) in lines.enumerated() {
            let length = l.count + 1
            if remaining < length { return (i + 1, l.prefix(remaining).unicodeScalars.count + 1) }
            remaining -= length
        }
        return (lines.count, 1)
    }
}
