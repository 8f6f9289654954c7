/// The canonical text of a document: the bytes a version id covers (docs/format/version.md),
/// so one document has exactly one spelling.
///
/// - Compact: no whitespace at all.
/// - Object members in their stored order, which `JSONValue` keeps sorted by the UTF-8
///   bytes of the names.
/// - Ints in plain decimal. Doubles as Swift's shortest text that reads back as the same
///   double (`0.1`, `1e-05`, `1.7976931348623157e+308`); an integral double keeps its
///   `.0` or exponent (`2.0`, `1e+16`) so that it reads back as a double, not an int.
/// - Strings escape only what JSON requires: `\"`, `\\`, and control characters below
///   U+0020, as `\b \f \n \r \t` or `\u00xx` with lower-case hex. Everything else, DEL and
///   non-ASCII included, is written as raw UTF-8.
///
/// Parsing the canonical text with `JSONParser` gives back an equal `JSONValue`.
extension JSONValue {
    /// The canonical text as a `String`, for display and `Value.description`.
    public var canonicalText: String {
        var out: [UInt8] = []
        writeCanonical(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the canonical text's UTF-8 bytes to `out`: the form encoders and hashers
    /// want, without a `String` in between.
    public func writeCanonical(into out: inout [UInt8]) {
        switch self {
        case .null: Self.append("null", to: &out)
        case .bool(let b): Self.append(b ? "true" : "false", to: &out)
        case .int(let i): Self.appendDecimal(i, to: &out)
        case .double(let d): Self.appendDouble(d, to: &out)
        case .string(let s): Self.appendString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, e) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                e.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(m.key, to: &out)
                out.append(UInt8(ascii: ":"))
                m.value.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func append(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    static func appendDecimal(_ i: Int64, to out: inout [UInt8]) {
        if i < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = i.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        precondition(d.isFinite, "JSONValue.double(\(d)) is not finite; JSON documents hold finite doubles only (JSONParser never makes one)")
        let text = d.description
        var sawMarker = false
        for b in text.utf8 {
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") { sawMarker = true }
            out.append(b)
        }
        // Swift's description always has one, but an integral double without it would read
        // back as an int and change the document.
        if !sawMarker { append(".0", to: &out) }
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): append("\\\"", to: &out)
            case UInt8(ascii: "\\"): append("\\\\", to: &out)
            case 0x08: append("\\b", to: &out)
            case 0x0C: append("\\f", to: &out)
            case 0x0A: append("\\n", to: &out)
            case 0x0D: append("\\r", to: &out)
            case 0x09: append("\\t", to: &out)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                append("\\u00", to: &out)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            default:
                out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
