/// A JSON value for the `--json` report, with object keys kept in the order written (the
/// model's `JSONValue` sorts them canonically, which suits hashing, not reading).
indirect enum JSONOutput {
    case object([(String, JSONOutput)])
    case array([JSONOutput])
    case string(String)
    case int(Int)
    /// A number printed with `decimals` places.
    case number(Double, decimals: Int)
    case bool(Bool)
    case null

    /// An optional string, or null.
    static func string(_ s: String?) -> JSONOutput { s.map { .string($0) } ?? .null }

    /// An optional number, or null.
    static func number(_ x: Double?, decimals: Int) -> JSONOutput {
        guard let x, x.isFinite else { return .null }
        return .number(x, decimals: decimals)
    }

    /// The value as indented JSON text.
    func render(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch self {
        case .object(let members):
            if members.isEmpty { return "{}" }
            let body = members.map { pad + Self.quote($0.0) + ": " + $0.1.render(indent: indent + 1) }
            return "{\n" + body.joined(separator: ",\n") + "\n" + closing + "}"
        case .array(let items):
            if items.isEmpty { return "[]" }
            let body = items.map { pad + $0.render(indent: indent + 1) }
            return "[\n" + body.joined(separator: ",\n") + "\n" + closing + "]"
        case .string(let s): return Self.quote(s)
        case .int(let n): return String(n)
        case .number(let x, let decimals): return x.isFinite ? NumberText.fixed(x, decimals) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// A JSON string literal (RFC 8259 escapes).
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
