/// One node of a YAML document as libyaml composed it (aliases resolved), with where it
/// starts: what the configuration reader needs, and nothing of Foundation.
public struct YAMLNode: Sendable {
    /// How a scalar was written.
    public enum Style: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    /// The node's content.
    public enum Content: Sendable {
        case scalar(String, Style)
        case sequence([YAMLNode])
        /// Key-value pairs in file order (duplicates kept: the reader refuses them).
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    public let content: Content
    /// Line and column where the node starts, from 1.
    public let line: Int
    public let column: Int

    /// The scalar's text and style, or nil.
    public var scalar: (string: String, style: Style)? {
        if case .scalar(let s, let style) = content { return (s, style) }
        return nil
    }

    /// The items of a sequence, or nil.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The pairs of a mapping, or nil.
    public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }
}
