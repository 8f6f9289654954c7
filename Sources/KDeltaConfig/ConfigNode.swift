import KDeltaModel
import KDeltaYAML

/// One value of the configuration file with its place (line, column, and the setting's
/// path), and typed readers that turn wrong values into `ConfigError`s pointing at it.
struct ConfigNode {
    let node: YAMLNode
    /// The setting's path, as `storage.retention[2].every`; "" for the document.
    let path: String
    let source: ConfigSource

    var line: Int? { node.line }
    var column: Int? { node.column }

    /// An error about this value.
    func error(_ code: ConfigError.Code, _ message: String, column: Int? = nil) -> ConfigError {
        source.error(code, line: line, column: column ?? self.column, path: path.isEmpty ? nil : path, message)
    }

    /// The name of the setting for messages: the last part of the path.
    var name: String {
        String(path.split(separator: ".").last ?? "the document")
    }

    /// True for an empty value, `~` or `null` (unquoted).
    var isNull: Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// What kind of value this is, for "must be X, not Y".
    var kind: String {
        if node.mapping != nil { return "a mapping (key: value lines)" }
        if node.sequence != nil { return "a list" }
        return isNull ? "empty" : "'\(node.scalar?.string ?? "")'"
    }

    /// The text of a scalar value; `what` describes the expected value for the error.
    func text(_ what: String) throws(ConfigError) -> String {
        guard let scalar = node.scalar else {
            throw error(.wrongType, "\(name) must be \(what), not \(kind)")
        }
        if isNull {
            throw error(.missingValue, "\(name) has no value; write \(what), or remove the line to get the default")
        }
        return scalar.string
    }

    /// `true` or `false` (also `True`, `TRUE`, `False`, `FALSE`, as YAML 1.2 reads them).
    func bool() throws(ConfigError) -> Bool {
        let t = try text("true or false")
        switch t {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        case "yes", "Yes", "YES", "on", "On", "ON", "y", "Y":
            throw error(.invalidValue, "\(name) is '\(t)'; write true (YAML 1.1 words like yes and on are not read as booleans here)")
        case "no", "No", "NO", "off", "Off", "OFF", "n", "N":
            throw error(.invalidValue, "\(name) is '\(t)'; write false (YAML 1.1 words like no and off are not read as booleans here)")
        default:
            throw error(.invalidValue, "\(name) is '\(t)'; write true or false")
        }
    }

    /// A whole number in `range`; `_` may separate digits (`100_000`).
    func integer(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let t = try text("a whole number")
        let digits = t.filter { $0 != "_" }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw error(.invalidValue, "\(name) is '\(t)', not a whole number; write digits, such as 100000 or 100_000")
        }
        guard let n = Int(digits), range.contains(n) else {
            throw error(.invalidValue, "\(name) \(t) is outside \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// A byte size (`64MiB`, see `ByteSize`).
    func byteSize() throws(ConfigError) -> ByteSize {
        let t = try text("a size such as 64MiB")
        do {
            return try ByteSize(parsing: t)
        } catch {
            throw self.error(.invalidValue, "\(error)", column: column(ofByte: error.byteOffset))
        }
    }

    /// A duration in milliseconds (`7d`, `1h30m`, see `DurationText`).
    func durationMs() throws(ConfigError) -> Int64 {
        let t = try text("a duration such as 90s, 1h30m or 7d")
        do {
            return try DurationText.parseMs(t)
        } catch {
            throw self.error(.invalidValue, "\(error)", column: column(ofByte: error.byteOffset))
        }
    }

    /// The column of the `offset`-th UTF-8 byte of a one-line scalar's text, where it
    /// can be known (plain or quoted without escapes); else the value's own column.
    func column(ofByte offset: Int) -> Int? {
        guard let scalar = node.scalar, let column, !scalar.string.contains("\n") else { return self.column }
        let quote: Int
        switch scalar.style {
        case .plain: quote = 0
        case .singleQuoted: quote = scalar.string.contains("'") ? -1 : 1
        case .doubleQuoted: quote = 1
        default: quote = -1
        }
        guard quote >= 0 else { return column }
        if scalar.style == .doubleQuoted, let line = source.sourceLine(line), line.contains("\\") { return column }
        var bytes = 0
        var scalars = 0
        for s in scalar.string.unicodeScalars {
            if bytes >= offset { break }
            bytes += UTF8.width(s)
            scalars += 1
        }
        return column + quote + scalars
    }

    /// The items of a list; an empty value is an empty list.
    func sequence(_ what: String) throws(ConfigError) -> [ConfigNode] {
        if isNull { return [] }
        guard let sequence = node.sequence else {
            throw error(.wrongType, "\(name) must be \(what), not \(kind)")
        }
        var items: [ConfigNode] = []
        for (i, item) in sequence.enumerated() {
            items.append(ConfigNode(node: item, path: "\(path)[\(i + 1)]", source: source))
        }
        return items
    }

    /// The entries of a mapping whose keys must be among `allowed`; an empty value is an
    /// empty mapping. Refuses keys that are not text, duplicates (naming the first) and
    /// unknown keys (with a did-you-mean, or `elsewhere[key]` when the key is known in
    /// another place).
    func mapping(_ what: String, allowed: [String], elsewhere: [String: String] = [:]) throws(ConfigError) -> ConfigMapping {
        if isNull { return ConfigMapping(node: self, entries: []) }
        guard let mapping = node.mapping else {
            throw error(.wrongType, "\(name) must be \(what), not \(kind)")
        }
        var entries: [ConfigMapping.Entry] = []
        for (keyNode, valueNode) in mapping {
            guard let keyScalar = keyNode.scalar else {
                let k = ConfigNode(node: keyNode, path: path, source: source)
                throw k.error(.wrongType, "a key of \(path.isEmpty ? "the document" : path) is \(k.kind); keys are plain names such as \(allowed.first ?? "fsync")")
            }
            let key = keyScalar.string
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            let keyConfig = ConfigNode(node: keyNode, path: childPath, source: source)
            if let first = entries.first(where: { $0.key == key }) {
                throw keyConfig.error(.duplicateKey, "'\(key)' is given twice in \(path.isEmpty ? "the document" : path) (first on line \(first.keyNode.line ?? 0)); keep one")
            }
            guard allowed.contains(key) else {
                var message = "unknown key '\(key)'"
                if let hint = elsewhere[key] {
                    message += " \(hint)"
                } else if key == "<<" {
                    message += " (YAML merge keys are not supported: write the settings out)"
                } else if let guess = ConfigSuggestion.closest(to: key, among: allowed) {
                    message += " (did you mean '\(guess)'?)"
                }
                message += "; \(path.isEmpty ? "the top level" : path) takes \(allowed.joined(separator: ", ")) (docs/config.md)"
                throw keyConfig.error(.unknownKey, message)
            }
            entries.append(ConfigMapping.Entry(key: key, keyNode: keyConfig,
                                               value: ConfigNode(node: valueNode, path: childPath, source: source)))
        }
        return ConfigMapping(node: self, entries: entries)
    }
}
