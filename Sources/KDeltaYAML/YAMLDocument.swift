import CYAML

/// Reads YAML text into `YAMLNode`s through libyaml's document loader
/// (`yaml_parser_load`), which resolves anchors and aliases. A file holds one document: a
/// second one is refused. The wrapper owns the parser and documents and deletes them.
public enum YAMLDocument {
    /// Nesting deeper than this is refused: a configuration file has a few levels, and
    /// the conversion recurses.
    public static let depthMax = 64

    /// The root node of `text`, or nil for an empty document (only comments, or nothing).
    /// The corresponding C function is `yaml_parser_load`.
    public static func compose(_ text: String) throws(YAMLError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(problem: "libyaml could not start a parser (out of memory)", line: nil, column: nil, context: nil, contextLine: nil, contextColumn: nil)
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        var document = yaml_document_t()
        let loaded = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return yaml_parser_load(&parser, &document)
        }
        guard loaded == 1 else { throw error(of: parser) }
        defer { yaml_document_delete(&document) }
        guard let root = yaml_document_get_root_node(&document) else { return nil }
        let result = try node(root, in: &document, depth: 0)
        // One file is one document: a second one (after `---`) is refused, not ignored.
        var next = yaml_document_t()
        guard yaml_parser_load(&parser, &next) == 1 else { throw error(of: parser) }
        defer { yaml_document_delete(&next) }
        if let second = yaml_document_get_root_node(&next) {
            throw YAMLError(
                problem: "a second document starts here; the file must hold one", line: Int(second.pointee.start_mark.line) + 1,
                column: Int(second.pointee.start_mark.column) + 1, context: nil, contextLine: nil, contextColumn: nil)
        }
        return result
    }

    private static func error(of parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "the text cannot be read as YAML"
        let hasMark = parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR || parser.error == YAML_COMPOSER_ERROR
        let context = parser.context.map { String(cString: $0) }
        return YAMLError(
            problem: problem,
            line: hasMark ? Int(parser.problem_mark.line) + 1 : nil,
            column: hasMark ? Int(parser.problem_mark.column) + 1 : nil,
            context: context,
            contextLine: context == nil ? nil : Int(parser.context_mark.line) + 1,
            contextColumn: context == nil ? nil : Int(parser.context_mark.column) + 1)
    }

    private static func node(_ n: UnsafeMutablePointer<yaml_node_t>, in document: inout yaml_document_t, depth: Int) throws(YAMLError) -> YAMLNode {
        let line = Int(n.pointee.start_mark.line) + 1
        let column = Int(n.pointee.start_mark.column) + 1
        guard depth < depthMax else {
            throw YAMLError(problem: "the document nests deeper than \(depthMax) levels", line: line, column: column, context: nil, contextLine: nil, contextColumn: nil)
        }
        switch n.pointee.type {
        case YAML_SCALAR_NODE:
            let s = n.pointee.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
            let style: YAMLNode.Style
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            return YAMLNode(content: .scalar(text, style), line: line, column: column)
        case YAML_SEQUENCE_NODE:
            var items: [YAMLNode] = []
            var item = n.pointee.data.sequence.items.start
            while let i = item, i != n.pointee.data.sequence.items.top {
                if let child = yaml_document_get_node(&document, i.pointee) {
                    items.append(try node(child, in: &document, depth: depth + 1))
                }
                item = i + 1
            }
            return YAMLNode(content: .sequence(items), line: line, column: column)
        case YAML_MAPPING_NODE:
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var pair = n.pointee.data.mapping.pairs.start
            while let p = pair, p != n.pointee.data.mapping.pairs.top {
                if let k = yaml_document_get_node(&document, p.pointee.key), let v = yaml_document_get_node(&document, p.pointee.value) {
                    pairs.append((try node(k, in: &document, depth: depth + 1), try node(v, in: &document, depth: depth + 1)))
                }
                pair = p + 1
            }
            return YAMLNode(content: .mapping(pairs), line: line, column: column)
        default:
            return YAMLNode(content: .scalar("", .plain), line: line, column: column)
        }
    }
}
