/// libyaml's complaint about a text that is not valid YAML: what, where (line and column
/// from 1), and the construct it was reading (`context`), as libyaml reports them.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public let problem: String
    public let line: Int?
    public let column: Int?
    /// What libyaml was reading ("while parsing a block mapping") and where it began.
    public let context: String?
    public let contextLine: Int?
    public let contextColumn: Int?

    public var description: String {
        var text = problem
        if let context, let contextLine, let contextColumn { text += " (\(context) at line \(contextLine), column \(contextColumn))" }
        return text
    }
}
