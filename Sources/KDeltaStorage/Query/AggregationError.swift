/// A name that is not an `Aggregation`.
public struct AggregationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name that was refused.
    public let text: String

    /// Creates an error for `text`.
    public init(text: String) {
        self.text = text
    }

    /// "'mean' is not an aggregation (did you mean avg?); use one of count, sum, avg, min,
    /// max, first, last".
    public var description: String {
        let names = Aggregation.allCases.map(\.rawValue).joined(separator: ", ")
        var hint = ""
        switch text.lowercased() {
        case "mean", "average", "avg": hint = " (did you mean avg?)"
        case "minimum", "min": hint = " (did you mean min?)"
        case "maximum", "max": hint = " (did you mean max?)"
        case "total", "sum": hint = " (did you mean sum?)"
        case "n", "cnt", "count": hint = " (did you mean count?)"
        case "latest", "newest", "last": hint = " (did you mean last?)"
        case "earliest", "oldest", "first": hint = " (did you mean first?)"
        default: break
        }
        return "'\(text)' is not an aggregation\(hint); use one of \(names)"
    }
}
